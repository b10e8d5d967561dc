import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { detectIdleGpus, type DeviceAllocation, type UtilizationPoint } from '@/lib/domain/telemetry/idle';
import type { GpuSharing } from '@/lib/domain/telemetry/gpu-kinds';
import { intArray } from './select-devices';
import { rows } from '@/lib/db/driver-row';
import { toMs, toNum } from './shared';

export interface IdleGpuView {
  deviceKey: string;
  node: string;
  pool: string | null;
  kind: string | null;
  sharing: GpuSharing;
  migProfile: string | null;
  jobIds: string[];
  owners: string[];
  teams: string[];
  pods: { pod: string; namespace: string }[];
  attribution: 'device' | 'shared';
  avgUtilization: number;
  maxUtilization: number;
  idleSince: string;
  note: string;
}

const DAY = 86_400_000;
const MAX_GAP_MS = 2 * 60_000;

/** How a stored device is shared, from its kind id (`-shared` = time-sliced) and MIG profile. */
export function sharingOf(kind: string | null, migProfile: string | null): GpuSharing {
  if (migProfile) return 'mig';
  return kind?.endsWith('-shared') ? 'time-slicing' : 'exclusive';
}

/**
 * Devices held now (seen in the last scrapes) whose utilization stayed under the threshold for the
 * whole window. SQL narrows to devices whose max in the window is under the threshold; the domain's
 * detectIdleGpus then checks coverage (no gaps: missing data is never idleness) and sharing rules.
 */
export async function findIdleGpus(
  db: DbOrTx,
  args: { now: number; thresholdPercent: number; windowMinutes: number; jobId?: string },
): Promise<IdleGpuView[]> {
  const windowMs = args.windowMinutes * 60_000;
  const windowStart = new Date(args.now - windowMs).toISOString();
  const heldSince = new Date(args.now - MAX_GAP_MS).toISOString();
  const held = await rows<{
    device_id: number;
    key: string;
    node: string;
    pool: string | null;
    kind: string | null;
    mig_profile: string | null;
    namespace: string;
    pod: string;
    job_id: string | null;
    owner: string | null;
    team: string | null;
    first_seen_at: unknown;
  }>(
    db,
    // a hold spans one row per UTC day: it started at the pod's first row
    sql`select a.device_id, d.key, d.node, d.pool, d.kind, d.mig_profile, a.namespace, a.pod, a.job_id, a.owner, a.team,
          (select min(b.first_seen_at) from gpu_assignments b where b.device_id = a.device_id and b.namespace = a.namespace and b.pod = a.pod) as first_seen_at
        from gpu_assignments a join gpu_devices d on d.id = a.device_id
        where a.last_seen_at >= ${heldSince}::timestamptz
        ${args.jobId ? sql`and a.device_id in (select device_id from gpu_assignments where job_id = ${args.jobId} and last_seen_at >= ${heldSince}::timestamptz)` : sql``}`,
  );
  if (held.length === 0) return [];
  const fine = windowMs <= DAY;
  const table = sql.raw(fine ? 'gpu_samples' : 'gpu_rollups_1m');
  const ts = sql.raw(fine ? 'ts' : 'bucket');
  const util = sql.raw(fine ? 'util' : 'util_max');
  const ids = [...new Set(held.map((h) => Number(h.device_id)))];
  const candidates = await rows<{ device_id: number }>(
    db,
    sql`select device_id from ${table} where device_id = any(${intArray(ids)}) and ${ts} >= ${windowStart}::timestamptz
        group by device_id having max(coalesce(${util}, 100)) < ${args.thresholdPercent}`,
  );
  if (candidates.length === 0) return [];
  const series = await rows<{ device_id: number; t: unknown; v: unknown }>(
    db,
    sql`select device_id, ${ts} as t, ${util} as v from ${table}
        where device_id = any(${intArray(candidates.map((c) => Number(c.device_id)))}) and ${ts} >= ${windowStart}::timestamptz order by 1, 2`,
  );
  const byId = new Map(held.map((h) => [Number(h.device_id), h]));
  const utilization = new Map<string, UtilizationPoint[]>();
  for (const s of series) {
    const key = byId.get(Number(s.device_id))!.key;
    const list = utilization.get(key) ?? (utilization.set(key, []), utilization.get(key)!);
    list.push({ t: toMs(s.t), v: toNum(s.v) });
  }
  const allocations: DeviceAllocation[] = held.map((h) => ({
    deviceKey: h.key,
    jobId: h.job_id,
    pod: h.pod,
    namespace: h.namespace,
    sharing: sharingOf(h.kind, h.mig_profile),
    migProfile: h.mig_profile,
    since: toMs(h.first_seen_at),
  }));
  const findings = detectIdleGpus({
    allocations,
    utilization,
    now: args.now,
    settings: { thresholdPercent: args.thresholdPercent, windowMs, maxGapMs: MAX_GAP_MS },
  });
  const heldByKey = new Map<string, typeof held>();
  for (const h of held) heldByKey.set(h.key, [...(heldByKey.get(h.key) ?? []), h]);
  return findings.map((f) => {
    const hs = heldByKey.get(f.deviceKey)!;
    const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];
    return {
      deviceKey: f.deviceKey,
      node: hs[0].node,
      pool: hs[0].pool,
      kind: hs[0].kind,
      sharing: f.sharing,
      migProfile: f.migProfile,
      jobIds: f.jobIds,
      owners: uniq(hs.map((h) => h.owner)),
      teams: uniq(hs.map((h) => h.team)),
      pods: f.pods,
      attribution: f.attribution,
      avgUtilization: f.avgUtilization,
      maxUtilization: f.maxUtilization,
      idleSince: new Date(f.idleSince).toISOString(),
      note: f.note,
    };
  });
}

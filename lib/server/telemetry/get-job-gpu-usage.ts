import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { GpuSharing } from '@/lib/domain/telemetry/gpu-kinds';
import { hasRole, requireRole, type Ctx } from '../context';
import { requireVisibleJobLabel } from '../jobs/job-access';
import { parseInput } from '../validate';
import { findIdleGpus, sharingOf, type IdleGpuView } from './find-idle-gpus';
import { getTelemetrySettings } from './get-telemetry-settings';
import { rows } from '@/lib/db/driver-row';
import { toMs, toNum } from './shared';

const GetJobGpuUsageInput = z.object({ jobId: z.string().min(1), now: z.number().int().positive().optional() });

interface JobGpuView {
  deviceKey: string;
  node: string;
  pool: string | null;
  kind: string | null;
  migProfile: string | null;
  pod: string;
  firstSeenAt: string;
  lastSeenAt: string;
  avgUtilization: number | null;
  maxUtilization: number | null;
  avgFbMiB: number | null;
  avgPowerW: number | null;
  /** time-slicing: the readings above are the whole GPU's, shared with `coTenants` other pods during the hold */
  sharing: GpuSharing;
  coTenants: number;
}

export interface JobGpuUsageView {
  jobId: string;
  gpus: JobGpuView[];
  /** non-empty: the job holds GPUs idle under the admin's threshold (the badge on the job) */
  idle: IdleGpuView[];
}

/**
 * The GPUs a job held (from the scrapes' pod labels) and how hard it used each. On a time-sliced GPU
 * DCGM measures only the physical GPU, so its readings are the whole GPU's, flagged with the number of
 * other pods that shared it during the hold; they cannot be split per pod.
 */
export async function getJobGpuUsage({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<JobGpuUsageView> {
  requireRole(ctx, 'viewer');
  const q = parseInput(GetJobGpuUsageInput, input);
  await requireVisibleJobLabel(ctx, q.jobId); // like the job: owner, team and admins; others get 404
  // 1-minute buckets within the hold, plus raw samples newer than the last closed minute.
  const list = await rows<Record<string, unknown>>(
    ctx.db,
    sql`with a as (
          select a.device_id, a.namespace || '/' || a.pod as pod, min(a.first_seen_at) as first_seen_at, max(a.last_seen_at) as last_seen_at
          from gpu_assignments a where a.job_id = ${q.jobId} group by 1, 2),
        edge as (select coalesce(max(bucket) + interval '1 minute', '-infinity'::timestamptz) as t from gpu_rollups_1m where device_id in (select device_id from a)),
        u as (
          select device_id, bucket as t, samples as n, util_avg * samples as us, util_max as um, fb_avg * samples as fs, power_avg * samples as ps
            from gpu_rollups_1m where device_id in (select device_id from a)
          union all
          select device_id, ts, 1, util, util, fb, power from gpu_samples
            where device_id in (select device_id from a) and ts >= (select t from edge))
        select d.key, d.node, d.pool, d.kind, d.mig_profile, a.pod, a.first_seen_at, a.last_seen_at,
          sum(u.us) / nullif(sum(u.n) filter (where u.us is not null), 0) as util, max(u.um) as util_max,
          sum(u.fs) / nullif(sum(u.n) filter (where u.fs is not null), 0) as fb,
          sum(u.ps) / nullif(sum(u.n) filter (where u.ps is not null), 0) as power,
          (select count(distinct b.namespace || '/' || b.pod) from gpu_assignments b
            where b.device_id = a.device_id and b.namespace || '/' || b.pod <> a.pod
              and b.first_seen_at <= a.last_seen_at and b.last_seen_at >= a.first_seen_at) as co_tenants
        from a join gpu_devices d on d.id = a.device_id
        left join u on u.device_id = a.device_id and u.t >= date_trunc('minute', a.first_seen_at) and u.t <= a.last_seen_at
        group by 1, 2, 3, 4, 5, 6, 7, 8, a.device_id order by d.node, d.key`,
  );
  const settings = await getTelemetrySettings({ ctx });
  const idle = await findIdleGpus(ctx.db, {
    now: q.now ?? Date.now(),
    thresholdPercent: settings.idleThresholdPercent,
    windowMinutes: settings.idleWindowMinutes,
    jobId: q.jobId,
  });
  return {
    jobId: q.jobId,
    gpus: list.map((r) => ({
      deviceKey: String(r.key),
      node: String(r.node),
      pool: (r.pool as string | null) ?? null,
      kind: (r.kind as string | null) ?? null,
      migProfile: (r.mig_profile as string | null) ?? null,
      pod: String(r.pod),
      firstSeenAt: new Date(toMs(r.first_seen_at)).toISOString(),
      lastSeenAt: new Date(toMs(r.last_seen_at)).toISOString(),
      avgUtilization: toNum(r.util),
      maxUtilization: toNum(r.util_max),
      avgFbMiB: toNum(r.fb),
      avgPowerW: toNum(r.power),
      sharing: sharingOf((r.kind as string | null) ?? null, (r.mig_profile as string | null) ?? null),
      coTenants: Number(r.co_tenants ?? 0),
    })),
    idle: idle
      .filter((g) => g.jobIds.includes(q.jobId))
      .map((g) => (hasRole(ctx.actor, 'admin') ? g : ownPart(g, q.jobId, list))),
  };
}

/**
 * A time-sliced GPU is shared with other teams' pods: a non-admin sees the idle finding with only
 * this job's own pods, not who else held the GPU (the number of co-tenants stays on each GPU row).
 */
function ownPart(g: IdleGpuView, jobId: string, held: Record<string, unknown>[]): IdleGpuView {
  const own = new Set(held.map((r) => String(r.pod)));
  return {
    ...g,
    jobIds: [jobId],
    owners: [],
    teams: [],
    pods: g.pods.filter((p) => own.has(`${p.namespace}/${p.pod}`)),
  };
}

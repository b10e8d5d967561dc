import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { rows } from '@/lib/db/driver-row';
import { toMs, toNum } from './shared';

const ListGpuDevicesInput = z.object({
  pool: z.string().min(1).optional(),
  node: z.string().min(1).optional(),
});

export interface GpuDeviceView {
  key: string;
  node: string;
  pool: string | null;
  kind: string | null;
  model: string | null;
  migProfile: string | null;
  /** the latest raw reading, null when none in the last 24 h */
  last: { at: string; util: number | null; fbMiB: number | null; powerW: number | null } | null;
}

/** GPUs and MIG instances telemetry has seen, with their latest reading (for the GPUs page). */
export async function listGpuDevices({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<GpuDeviceView[]> {
  requireRole(ctx, 'viewer');
  const q = parseInput(ListGpuDevicesInput, input ?? {});
  const list = await rows<Record<string, unknown>>(
    ctx.db,
    sql`select d.key, d.node, d.pool, d.kind, d.model, d.mig_profile, s.ts, s.util, s.fb, s.power
        from gpu_devices d
        left join lateral (select ts, util, fb, power from gpu_samples where device_id = d.id order by ts desc limit 1) s on true
        where true ${q.pool ? sql`and d.pool = ${q.pool}` : sql``} ${q.node ? sql`and d.node = ${q.node}` : sql``}
        order by d.pool, d.node, d.key`,
  );
  return list.map((r) => ({
    key: String(r.key),
    node: String(r.node),
    pool: (r.pool as string | null) ?? null,
    kind: (r.kind as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    migProfile: (r.mig_profile as string | null) ?? null,
    last:
      r.ts === null
        ? null
        : { at: new Date(toMs(r.ts)).toISOString(), util: toNum(r.util), fbMiB: toNum(r.fb), powerW: toNum(r.power) },
  }));
}

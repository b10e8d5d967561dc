import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { computeRetentionCutoff, RETENTION_POLICY } from '@/lib/domain/telemetry/rollup';
import { inTransaction, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { rows, toMs } from './shared';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const tier = (name: 'raw' | '1m' | '1h') => RETENTION_POLICY.find((t) => t.name === name)!;

export const RollupAndPruneInput = z.object({
  now: z.number().int().positive().optional(),
  /** late scrapes land within this; a bucket is written once its end is this far in the past */
  graceMs: z.number().int().nonnegative().default(20_000),
});

export interface RollupResult {
  minuteBuckets: number;
  hourBuckets: number;
  pruned: { raw: number; '1m': number; '1h': number; assignments: number };
}

/**
 * Closes finished 1-minute buckets from raw samples and finished 1-hour buckets from 1-minute ones,
 * then deletes rows past each tier's retention. Idempotent: a bucket is (re)written with
 * INSERT ... ON CONFLICT DO UPDATE, only when its sample count changed, so a rerun or a second
 * replica writes the same rows. The last closed bucket is reopened once, for late scrapes.
 */
export async function rollupAndPrune({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<RollupResult> {
  requireRole(ctx, 'admin');
  const { now: nowIn, graceMs } = parseInput(RollupAndPruneInput, input ?? {});
  const now = nowIn ?? Date.now();
  const minuteEnd = Math.floor((now - graceMs) / MINUTE) * MINUTE;
  const hourEnd = Math.floor(minuteEnd / HOUR) * HOUR;
  const iso = (t: number) => new Date(t).toISOString();

  return inTransaction(ctx, async ({ db }) => {
    const [m] = await rows<{ last: unknown }>(db, sql`select max(bucket) as last from gpu_rollups_1m`);
    const rawFloor = computeRetentionCutoff(tier('raw'), now);
    const minuteFrom = Math.max(m.last ? toMs(m.last) - MINUTE : rawFloor, Math.floor(rawFloor / MINUTE) * MINUTE);
    const minute = await rows<{ n: number }>(
      db,
      sql`with up as (
        insert into gpu_rollups_1m as r (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
        select device_id, date_trunc('minute', ts), count(*), avg(util), min(util), max(util), avg(fb), min(fb), max(fb), avg(power), min(power), max(power)
        from gpu_samples where ts >= ${iso(minuteFrom)}::timestamptz and ts < ${iso(minuteEnd)}::timestamptz
        group by 1, 2
        on conflict (device_id, bucket) do update set samples = excluded.samples,
          util_avg = excluded.util_avg, util_min = excluded.util_min, util_max = excluded.util_max,
          fb_avg = excluded.fb_avg, fb_min = excluded.fb_min, fb_max = excluded.fb_max,
          power_avg = excluded.power_avg, power_min = excluded.power_min, power_max = excluded.power_max
        where r.samples <> excluded.samples
        returning 1)
      select count(*)::int as n from up`,
    );

    const [h] = await rows<{ last: unknown }>(db, sql`select max(bucket) as last from gpu_rollups_1h`);
    const minuteFloor = computeRetentionCutoff(tier('1m'), now);
    const hourFrom = Math.max(h.last ? toMs(h.last) - HOUR : minuteFloor, Math.floor(minuteFloor / HOUR) * HOUR);
    // Averages merge weighted by sample count, so an hour's avg equals the mean of its raw readings.
    const hour = await rows<{ n: number }>(
      db,
      sql`with up as (
        insert into gpu_rollups_1h as r (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
        select device_id, date_trunc('hour', bucket), sum(samples),
          sum(util_avg * samples) / nullif(sum(samples) filter (where util_avg is not null), 0), min(util_min), max(util_max),
          sum(fb_avg * samples) / nullif(sum(samples) filter (where fb_avg is not null), 0), min(fb_min), max(fb_max),
          sum(power_avg * samples) / nullif(sum(samples) filter (where power_avg is not null), 0), min(power_min), max(power_max)
        from gpu_rollups_1m where bucket >= ${iso(hourFrom)}::timestamptz and bucket < ${iso(hourEnd)}::timestamptz
        group by 1, 2
        on conflict (device_id, bucket) do update set samples = excluded.samples,
          util_avg = excluded.util_avg, util_min = excluded.util_min, util_max = excluded.util_max,
          fb_avg = excluded.fb_avg, fb_min = excluded.fb_min, fb_max = excluded.fb_max,
          power_avg = excluded.power_avg, power_min = excluded.power_min, power_max = excluded.power_max
        where r.samples <> excluded.samples
        returning 1)
      select count(*)::int as n from up`,
    );

    const cut = (name: 'raw' | '1m' | '1h') => iso(computeRetentionCutoff(tier(name), now));
    const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(db, q))[0].n;
    const pruned = {
      raw: await count(sql`with d as (delete from gpu_samples where ts < ${cut('raw')}::timestamptz returning 1) select count(*)::int as n from d`),
      '1m': await count(sql`with d as (delete from gpu_rollups_1m where bucket < ${cut('1m')}::timestamptz returning 1) select count(*)::int as n from d`),
      '1h': await count(sql`with d as (delete from gpu_rollups_1h where bucket < ${cut('1h')}::timestamptz returning 1) select count(*)::int as n from d`),
      assignments: await count(
        sql`with d as (delete from gpu_assignments where last_seen_at < ${cut('1h')}::timestamptz returning 1) select count(*)::int as n from d`,
      ),
    };
    return { minuteBuckets: minute[0].n, hourBuckets: hour[0].n, pruned };
  });
}

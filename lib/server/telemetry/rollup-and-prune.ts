import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/lib/db/client';
import { computeRetentionCutoff, RETENTION_POLICY } from '@/lib/domain/telemetry/rollup';
import { inTransaction, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { rows, toMs } from './shared';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const tier = (name: 'raw' | '1m' | '1h') => RETENTION_POLICY.find((t) => t.name === name)!;

// One column list and one "rewrite only when the sample count changed" clause for both device tiers.
const MEASURES = ['util', 'fb', 'power'].flatMap((m) => [`${m}_avg`, `${m}_min`, `${m}_max`]);
const ROLLUP_COLUMNS = sql.raw(['device_id', 'bucket', 'samples', ...MEASURES].join(', '));
const UPSERT_CHANGED = sql.raw(
  `on conflict (device_id, bucket) do update set ${['samples', ...MEASURES].map((c) => `${c} = excluded.${c}`).join(', ')} where r.samples <> excluded.samples`,
);

const RollupAndPruneInput = z.object({
  now: z.number().int().positive().optional(),
  /** late scrapes land within this; a bucket is written once its end is this far in the past */
  graceMs: z.number().int().nonnegative().default(20_000),
});

export interface RollupResult {
  minuteBuckets: number;
  hourBuckets: number;
  /** pool aggregate buckets (1-minute and 1-hour) written or rewritten */
  poolBuckets: number;
  pruned: { raw: number; '1m': number; '1h': number; pools: number; assignments: number };
}

/**
 * Closes finished 1-minute buckets from raw samples and finished 1-hour buckets from 1-minute ones,
 * then deletes rows past each tier's retention. Idempotent: a bucket is (re)written with
 * INSERT ... ON CONFLICT DO UPDATE, only when its sample count changed, so a rerun or a second
 * replica writes the same rows. The last closed bucket is reopened once, for late scrapes.
 * Pool aggregates of both tiers follow the device buckets (see rollupPools).
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
        insert into gpu_rollups_1m as r (${ROLLUP_COLUMNS})
        select device_id, date_trunc('minute', ts), count(*), avg(util), min(util), max(util), avg(fb), min(fb), max(fb), avg(power), min(power), max(power)
        from gpu_samples where ts >= ${iso(minuteFrom)}::timestamptz and ts < ${iso(minuteEnd)}::timestamptz
        group by 1, 2
        ${UPSERT_CHANGED}
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
        insert into gpu_rollups_1h as r (${ROLLUP_COLUMNS})
        select device_id, date_trunc('hour', bucket), sum(samples),
          sum(util_avg * samples) / nullif(sum(samples) filter (where util_avg is not null), 0), min(util_min), max(util_max),
          sum(fb_avg * samples) / nullif(sum(samples) filter (where fb_avg is not null), 0), min(fb_min), max(fb_max),
          sum(power_avg * samples) / nullif(sum(samples) filter (where power_avg is not null), 0), min(power_min), max(power_max)
        from gpu_rollups_1m where bucket >= ${iso(hourFrom)}::timestamptz and bucket < ${iso(hourEnd)}::timestamptz
        group by 1, 2
        ${UPSERT_CHANGED}
        returning 1)
      select count(*)::int as n from up`,
    );

    const poolBuckets = (await rollupPools(db, '1m', minuteEnd, now)) + (await rollupPools(db, '1h', hourEnd, now));

    const cut = (name: 'raw' | '1m' | '1h') => iso(computeRetentionCutoff(tier(name), now));
    const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(db, q))[0].n;
    const pruned = {
      raw: await count(
        sql`with d as (delete from gpu_samples where ts < ${cut('raw')}::timestamptz returning 1) select count(*)::int as n from d`,
      ),
      '1m': await count(
        sql`with d as (delete from gpu_rollups_1m where bucket < ${cut('1m')}::timestamptz returning 1) select count(*)::int as n from d`,
      ),
      '1h': await count(
        sql`with d as (delete from gpu_rollups_1h where bucket < ${cut('1h')}::timestamptz returning 1) select count(*)::int as n from d`,
      ),
      pools: await count(
        sql`with d as (delete from gpu_pool_rollups where (tier = '1m' and bucket < ${cut('1m')}::timestamptz) or (tier = '1h' and bucket < ${cut('1h')}::timestamptz) returning 1)
            select count(*)::int as n from d`,
      ),
      assignments: await count(
        sql`with d as (delete from gpu_assignments where last_seen_at < ${cut('1h')}::timestamptz returning 1) select count(*)::int as n from d`,
      ),
    };
    return { minuteBuckets: minute[0].n, hourBuckets: hour[0].n, poolBuckets, pruned };
  });
}

/**
 * Pool aggregates of one device tier, for buckets from the last one written (reopened, for late
 * scrapes) up to `end`; an empty tier is backfilled from everything its device tier still holds, so
 * history written before the pool tier existed is charted too. Rewrites a bucket only when its GPU
 * or sample count changed. Returns the buckets written.
 */
export async function rollupPools(db: DbOrTx, name: '1m' | '1h', end: number, now: number): Promise<number> {
  const bucketMs = name === '1m' ? MINUTE : HOUR;
  const [p] = await rows<{ last: unknown }>(
    db,
    sql`select max(bucket) as last from gpu_pool_rollups where tier = ${name}`,
  );
  const floor = computeRetentionCutoff(tier(name), now);
  const from = Math.max(p.last ? toMs(p.last) - bucketMs : floor, Math.floor(floor / bucketMs) * bucketMs);
  if (from >= end) return 0;
  const source = sql.raw(name === '1m' ? 'gpu_rollups_1m' : 'gpu_rollups_1h');
  const iso = (t: number) => new Date(t).toISOString();
  const [written] = await rows<{ n: number }>(
    db,
    sql`with up as (
      insert into gpu_pool_rollups as r (pool, tier, bucket, devices, samples, util_avg, fb_sum, power_sum)
      select d.pool, ${name}, s.bucket, count(*), sum(s.samples), avg(s.util_avg), sum(s.fb_avg), sum(s.power_avg)
      from ${source} s join gpu_devices d on d.id = s.device_id
      where d.pool is not null and s.bucket >= ${iso(from)}::timestamptz and s.bucket < ${iso(end)}::timestamptz
      group by d.pool, s.bucket
      on conflict (pool, tier, bucket) do update set devices = excluded.devices, samples = excluded.samples,
        util_avg = excluded.util_avg, fb_sum = excluded.fb_sum, power_sum = excluded.power_sum
      where r.samples <> excluded.samples or r.devices <> excluded.devices
      returning 1)
    select count(*)::int as n from up`,
  );
  return written.n;
}

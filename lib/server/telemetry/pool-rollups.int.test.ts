import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { gpuDevices, gpuPoolRollups, gpuSamples } from '@/lib/db/schema';
import type { Ctx } from '@/lib/server/context';
import { withRollback } from '@/tests/db';
import { POOL_ROLLUP_MIN_GPUS, querySeries } from './query-series';
import { rollupAndPrune } from './rollup-and-prune';
import { rows } from '@/lib/db/driver-row';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);

/** `n` GPUs in `pool` with 1-minute buckets over [from, to): util varies by GPU and minute, fb 100 MiB, power 10 W each. */
async function poolWithMinutes(ctx: Ctx, pool: string, n: number, from: number, to: number) {
  await ctx.db.execute(
    sql`insert into gpu_devices (key, node, pool, kind) select ${pool} || '-n' || (g / 8) || '/GPU-' || g, ${pool} || '-n' || (g / 8), ${pool}, 'h100-80gb' from generate_series(1, ${n}) g`,
  );
  await ctx.db
    .execute(sql`insert into gpu_rollups_1m (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
    select d.id, b, 6, (d.id % 10) * 10 + extract(minute from b), 0, 100, 100, 100, 100, 10, 10, 10
    from gpu_devices d cross join generate_series(${new Date(from).toISOString()}::timestamptz, ${new Date(to - MINUTE).toISOString()}::timestamptz, interval '1 minute') b
    where d.pool = ${pool}`);
}

describe('pool rollups', () => {
  it(`aggregates every pool per bucket in the rollup loop; pools of ${POOL_ROLLUP_MIN_GPUS}+ GPUs chart from them, identically`, () =>
    withRollback(async (ctx) => {
      await poolWithMinutes(ctx, 'big', POOL_ROLLUP_MIN_GPUS, T0, T0 + 2 * HOUR);
      await poolWithMinutes(ctx, 'small', 3, T0, T0 + 2 * HOUR);
      const now = T0 + 2 * HOUR + MINUTE;
      const first = await rollupAndPrune({ ctx, input: { now } });
      // an empty pool tier is backfilled: 120 minutes and 2 hours for each of the two pools
      expect(first.poolBuckets).toBe(2 * (120 + 2));
      const [minute] = await ctx.db
        .select()
        .from(gpuPoolRollups)
        .where(sql`pool = 'big' and tier = '1m' and bucket = ${new Date(T0 + 7 * MINUTE).toISOString()}::timestamptz`);
      expect(minute).toMatchObject({
        devices: POOL_ROLLUP_MIN_GPUS,
        samples: 6 * POOL_ROLLUP_MIN_GPUS,
        fbSum: 100 * POOL_ROLLUP_MIN_GPUS,
        powerSum: 10 * POOL_ROLLUP_MIN_GPUS,
      });

      // the same numbers as aggregating the GPUs' own buckets at query time
      const [direct] = await rows<{ v: number }>(
        ctx.db,
        sql`select avg(r.util_avg) as v from gpu_rollups_1m r join gpu_devices d on d.id = r.device_id where d.pool = 'big' and r.bucket = ${new Date(T0 + 7 * MINUTE).toISOString()}::timestamptz`,
      );
      expect(minute.utilAvg).toBeCloseTo(Number(direct.v), 3);
      const series = await querySeries({ ctx, input: { scope: 'pool', id: 'big', range: '24h', metric: 'util', now } });
      expect(series).toMatchObject({ source: 'pool', tier: '1m', devices: POOL_ROLLUP_MIN_GPUS });
      expect(series.points).toHaveLength(120);
      expect(series.points.find((p) => p.t === T0 + 7 * MINUTE)!.v).toBeCloseTo(Number(direct.v), 3);
      const power = await querySeries({ ctx, input: { scope: 'pool', id: 'big', range: '30d', metric: 'power', now } });
      expect(power).toMatchObject({ source: 'pool', tier: '1h' });
      expect(power.points.map((p) => p.v)).toEqual([10 * POOL_ROLLUP_MIN_GPUS, 10 * POOL_ROLLUP_MIN_GPUS]);
      const small = await querySeries({
        ctx,
        input: { scope: 'pool', id: 'small', range: '24h', metric: 'util', now },
      });
      expect(small.source).toBe('devices');

      // a rerun writes nothing; a late scrape rewrites its GPU's minute and so the pool's
      expect((await rollupAndPrune({ ctx, input: { now } })).poolBuckets).toBe(0);
      const [late] = await ctx.db
        .select()
        .from(gpuDevices)
        .where(sql`pool = 'big'`)
        .limit(1);
      await ctx.db
        .insert(gpuSamples)
        .values({ deviceId: late.id, ts: new Date(T0 + 2 * HOUR - 30_000), util: 50, fb: 100, power: 10 });
      const again = await rollupAndPrune({ ctx, input: { now: now + 10_000 } });
      // the GPU's minute and hour, then the pool's minute and hour
      expect(again).toMatchObject({ minuteBuckets: 1, hourBuckets: 1, poolBuckets: 2 });

      // pool buckets go with their tier's retention
      const later = await rollupAndPrune({ ctx, input: { now: T0 + 8 * DAY } });
      expect(later.pruned.pools).toBe(2 * 120);
      const left = await rows<{ tier: string; n: number }>(
        ctx.db,
        sql`select tier, count(*)::int as n from gpu_pool_rollups group by tier order by tier`,
      );
      expect(left).toEqual([{ tier: '1h', n: 4 }]);
    }));
});

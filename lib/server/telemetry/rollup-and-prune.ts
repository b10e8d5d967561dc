import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx } from '@/lib/db/client';
import { gpuAssignments, gpuDevices, gpuPoolRollups, gpuRollups1h, gpuRollups1m, gpuSamples } from '@/lib/db/schema';
import { computeRetentionCutoff, RETENTION_POLICY } from '@/lib/domain/telemetry/rollup';
import { inTransaction, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { bare, bareList, excluded, rows } from '@/lib/db/driver-row';
import { toMs } from './shared';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const tier = (name: 'raw' | '1m' | '1h') => RETENTION_POLICY.find((t) => t.name === name)!;
const iso = (t: number) => new Date(t).toISOString();

/** The two device tiers share their columns (lib/db/schema/telemetry.ts). */
type DeviceTier = typeof gpuRollups1m | typeof gpuRollups1h;

const measures = (t: DeviceTier) => [
  t.utilAvg,
  t.utilMin,
  t.utilMax,
  t.fbAvg,
  t.fbMin,
  t.fbMax,
  t.powerAvg,
  t.powerMin,
  t.powerMax,
];

/** An upsert's update taking the proposed values of `columns`. */
const takeProposed = (columns: AnyPgColumn[]) =>
  sql.join(
    columns.map((c) => sql`${bare(c)} = ${excluded(c)}`),
    sql`, `,
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

  return inTransaction(ctx, async ({ db }) => {
    const s = gpuSamples;
    const minuteBuckets = await rollupDeviceTier(db, gpuRollups1m, MINUTE, computeRetentionCutoff(tier('raw'), now), {
      end: minuteEnd,
      select: sql`select ${s.deviceId}, date_trunc('minute', ${s.ts}), count(*), avg(${s.util}), min(${s.util}), max(${s.util}), avg(${s.fb}), min(${s.fb}), max(${s.fb}), avg(${s.power}), min(${s.power}), max(${s.power})
        from ${s}`,
      bucket: s.ts,
    });
    const m = gpuRollups1m;
    // Averages merge weighted by sample count, so an hour's avg equals the mean of its raw readings.
    const weighted = (avg: AnyPgColumn) =>
      sql`sum(${avg} * ${m.samples}) / nullif(sum(${m.samples}) filter (where ${avg} is not null), 0)`;
    const hourBuckets = await rollupDeviceTier(db, gpuRollups1h, HOUR, computeRetentionCutoff(tier('1m'), now), {
      end: hourEnd,
      select: sql`select ${m.deviceId}, date_trunc('hour', ${m.bucket}), sum(${m.samples}),
          ${weighted(m.utilAvg)}, min(${m.utilMin}), max(${m.utilMax}),
          ${weighted(m.fbAvg)}, min(${m.fbMin}), max(${m.fbMax}),
          ${weighted(m.powerAvg)}, min(${m.powerMin}), max(${m.powerMax})
        from ${m}`,
      bucket: m.bucket,
    });

    const poolBuckets = (await rollupPools(db, '1m', minuteEnd, now)) + (await rollupPools(db, '1h', hourEnd, now));
    return { minuteBuckets, hourBuckets, poolBuckets, pruned: await prune(db, now) };
  });
}

/**
 * Where a tier's writing starts: its last bucket (reopened, for late scrapes), or `floor`, the
 * oldest its source still holds, on a bucket boundary.
 */
async function startOf(db: DbOrTx, lastBucket: SQL, bucketMs: number, floor: number): Promise<number> {
  const [{ last }] = await rows<{ last: unknown }>(db, lastBucket);
  return Math.max(last ? toMs(last) - bucketMs : floor, Math.floor(floor / bucketMs) * bucketMs);
}

/** How many rows `statement` (an insert or delete) wrote, in the same round trip. */
async function countWritten(db: DbOrTx, statement: SQL): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(
    db,
    sql`with written as (${statement} returning 1) select count(*)::int as n from written`,
  );
  return n;
}

/**
 * Buckets of a device tier from its source rows (`select` aggregates them per device and bucket,
 * `bucket` is the source's time column) up to `end`. A bucket is rewritten only when its sample
 * count changed.
 */
async function rollupDeviceTier(
  db: DbOrTx,
  t: DeviceTier,
  bucketMs: number,
  floor: number,
  source: { end: number; select: SQL; bucket: AnyPgColumn },
): Promise<number> {
  const from = await startOf(db, sql`select max(${t.bucket}) as last from ${t}`, bucketMs, floor);
  const updated = [t.samples, ...measures(t)];
  return countWritten(
    db,
    sql`insert into ${t} as r (${bareList([t.deviceId, t.bucket, ...updated])})
        ${source.select} where ${source.bucket} >= ${iso(from)}::timestamptz and ${source.bucket} < ${iso(source.end)}::timestamptz
        group by 1, 2
        on conflict (${bareList([t.deviceId, t.bucket])}) do update set ${takeProposed(updated)}
        where r.${bare(t.samples)} <> ${excluded(t.samples)}`,
  );
}

/** Deletes the rows past each tier's retention; answers how many, per tier. */
async function prune(db: DbOrTx, now: number): Promise<RollupResult['pruned']> {
  const cut = (name: 'raw' | '1m' | '1h') => iso(computeRetentionCutoff(tier(name), now));
  const p = gpuPoolRollups;
  return {
    raw: await countWritten(db, sql`delete from ${gpuSamples} where ${gpuSamples.ts} < ${cut('raw')}::timestamptz`),
    '1m': await countWritten(
      db,
      sql`delete from ${gpuRollups1m} where ${gpuRollups1m.bucket} < ${cut('1m')}::timestamptz`,
    ),
    '1h': await countWritten(
      db,
      sql`delete from ${gpuRollups1h} where ${gpuRollups1h.bucket} < ${cut('1h')}::timestamptz`,
    ),
    pools: await countWritten(
      db,
      sql`delete from ${p} where (${p.tier} = '1m' and ${p.bucket} < ${cut('1m')}::timestamptz) or (${p.tier} = '1h' and ${p.bucket} < ${cut('1h')}::timestamptz)`,
    ),
    assignments: await countWritten(
      db,
      sql`delete from ${gpuAssignments} where ${gpuAssignments.lastSeenAt} < ${cut('1h')}::timestamptz`,
    ),
  };
}

/**
 * Pool aggregates of one device tier, for buckets from the last one written (reopened, for late
 * scrapes) up to `end`; an empty tier is backfilled from everything its device tier still holds, so
 * history written before the pool tier existed is charted too. Rewrites a bucket only when its GPU
 * or sample count changed. Returns the buckets written.
 */
export async function rollupPools(db: DbOrTx, name: '1m' | '1h', end: number, now: number): Promise<number> {
  const p = gpuPoolRollups;
  const bucketMs = name === '1m' ? MINUTE : HOUR;
  const floor = computeRetentionCutoff(tier(name), now);
  const from = await startOf(
    db,
    sql`select max(${p.bucket}) as last from ${p} where ${p.tier} = ${name}`,
    bucketMs,
    floor,
  );
  if (from >= end) return 0;
  const s = name === '1m' ? gpuRollups1m : gpuRollups1h;
  const d = gpuDevices;
  const updated = [p.devices, p.samples, p.utilAvg, p.fbSum, p.powerSum];
  return countWritten(
    db,
    sql`insert into ${p} as r (${bareList([p.pool, p.tier, p.bucket, ...updated])})
      select ${d.pool}, ${name}, ${s.bucket}, count(*), sum(${s.samples}), avg(${s.utilAvg}), sum(${s.fbAvg}), sum(${s.powerAvg})
      from ${s} join ${d} on ${d.id} = ${s.deviceId}
      where ${d.pool} is not null and ${s.bucket} >= ${iso(from)}::timestamptz and ${s.bucket} < ${iso(end)}::timestamptz
      group by ${d.pool}, ${s.bucket}
      on conflict (${bareList([p.pool, p.tier, p.bucket])}) do update set ${takeProposed(updated)}
      where r.${bare(p.samples)} <> ${excluded(p.samples)} or r.${bare(p.devices)} <> ${excluded(p.devices)}`,
  );
}

// Rollups and retention for telemetry series: raw samples for 24 h, 1-minute buckets for 7 days,
// 1-hour buckets for a year. The policy is data, so the storage layer and the chart planner read
// the same numbers. Buckets carry count/sum/min/max so coarser buckets merge exactly from finer ones.
import { z } from 'zod';
import { MAX_CHART_POINTS } from './lttb';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RollupTier = z.object({
  name: z.enum(['raw', '1m', '1h']),
  /** 0 for raw samples */
  bucketMs: z.number().int().nonnegative(),
  retentionMs: z.number().int().positive(),
});
export type RollupTier = z.infer<typeof RollupTier>;

export const RETENTION_POLICY: readonly RollupTier[] = [
  { name: 'raw', bucketMs: 0, retentionMs: DAY },
  { name: '1m', bucketMs: MINUTE, retentionMs: 7 * DAY },
  { name: '1h', bucketMs: HOUR, retentionMs: 365 * DAY },
];

export const RollupBucket = z.object({
  key: z.string(),
  /** bucket start, ms since epoch, aligned to bucketMs */
  start: z.number(),
  count: z.number().int().positive(),
  sum: z.number(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
});
export type RollupBucket = z.infer<typeof RollupBucket>;

export type SeriesPoint = { key: string; t: number; v: number | null };

function alignToBucket(t: number, bucketMs: number): number {
  return Math.floor(t / bucketMs) * bucketMs;
}

/** Raw points -> buckets per (series key, bucket start). Null readings are not counted. */
export function rollupPoints(points: readonly SeriesPoint[], bucketMs: number): RollupBucket[] {
  const acc = new Map<string, RollupBucket>();
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) continue;
    const start = alignToBucket(p.t, bucketMs);
    const id = `${p.key}\u0000${start}`;
    const b = acc.get(id);
    if (b) {
      b.count += 1;
      b.sum += p.v;
      if (p.v < b.min) b.min = p.v;
      if (p.v > b.max) b.max = p.v;
    } else {
      acc.set(id, { key: p.key, start, count: 1, sum: p.v, min: p.v, max: p.v, avg: 0 });
    }
  }
  return finish(acc);
}

/** Finer buckets -> coarser ones (1m -> 1h). The avg is count-weighted, so it equals the raw mean. */
export function rollupBuckets(buckets: readonly RollupBucket[], bucketMs: number): RollupBucket[] {
  const acc = new Map<string, RollupBucket>();
  for (const f of buckets) {
    const start = alignToBucket(f.start, bucketMs);
    const id = `${f.key}\u0000${start}`;
    const b = acc.get(id);
    if (b) {
      b.count += f.count;
      b.sum += f.sum;
      b.min = Math.min(b.min, f.min);
      b.max = Math.max(b.max, f.max);
    } else {
      acc.set(id, { key: f.key, start, count: f.count, sum: f.sum, min: f.min, max: f.max, avg: 0 });
    }
  }
  return finish(acc);
}

function finish(acc: Map<string, RollupBucket>): RollupBucket[] {
  const out = [...acc.values()];
  for (const b of out) b.avg = b.sum / b.count;
  return out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.start - y.start));
}

/** Rows of `tier` older than this instant may be deleted. */
export function computeRetentionCutoff(tier: RollupTier, now: number): number {
  return now - tier.retentionMs;
}

/**
 * Buckets that are complete at `now` and so safe to write once: a bucket is closed when its end
 * is at or before `now - graceMs` (late scrapes arrive within the grace).
 */
export function isBucketClosed(start: number, bucketMs: number, now: number, graceMs = 0): boolean {
  return start + bucketMs <= now - graceMs;
}

export const SeriesPlan = z.object({ tier: RollupTier, expectedPoints: z.number(), downsample: z.boolean() });
export type SeriesPlan = z.infer<typeof SeriesPlan>;

/**
 * Which tier a chart of [from, to] should read: the finest one still holding `from` whose point
 * count fits `maxPoints`; otherwise the coarsest that holds it, downsampled with LTTB.
 * `rawIntervalMs` is the scrape interval, for estimating raw point counts.
 */
export function planSeriesQuery(args: {
  from: number;
  to: number;
  now: number;
  rawIntervalMs: number;
  maxPoints?: number;
  policy?: readonly RollupTier[];
}): SeriesPlan {
  const { from, to, now, rawIntervalMs } = args;
  const maxPoints = args.maxPoints ?? MAX_CHART_POINTS;
  const policy = args.policy ?? RETENTION_POLICY;
  const span = Math.max(0, to - from);
  const holding = policy.filter((t) => from >= now - t.retentionMs);
  const candidates = holding.length ? holding : [policy[policy.length - 1]];
  const estimate = (t: RollupTier) => Math.ceil(span / (t.bucketMs || rawIntervalMs)) + 1;
  const fitting = candidates.find((t) => estimate(t) <= maxPoints);
  const tier = fitting ?? candidates[candidates.length - 1];
  const expectedPoints = estimate(tier);
  return { tier, expectedPoints, downsample: expectedPoints > maxPoints };
}

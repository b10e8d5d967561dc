import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isBucketClosed,
  planSeriesQuery,
  RETENTION_POLICY,
  rollupBuckets,
  rollupPoints,
  computeRetentionCutoff,
} from './rollup';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const points = fc.array(
  fc.record({
    key: fc.constantFrom('n1/GPU-a', 'n1/GPU-b', 'n2/GPU-c/mig-3'),
    t: fc.integer({ min: 0, max: 3 * HOUR }),
    v: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(null)),
  }),
  { maxLength: 400 },
);

describe('rollupPoints', () => {
  it('avg equals the mean, min/max/count match the raw points of each bucket', () => {
    fc.assert(
      fc.property(points, (pts) => {
        for (const b of rollupPoints(pts, MIN)) {
          const raw = pts
            .filter((p) => p.key === b.key && p.v !== null && Math.floor(p.t / MIN) * MIN === b.start)
            .map((p) => p.v as number);
          expect(b.count).toBe(raw.length);
          expect(b.avg).toBeCloseTo(raw.reduce((s, v) => s + v, 0) / raw.length, 9);
          expect(b.min).toBe(Math.min(...raw));
          expect(b.max).toBe(Math.max(...raw));
        }
        const counted = rollupPoints(pts, MIN).reduce((s, b) => s + b.count, 0);
        expect(counted).toBe(pts.filter((p) => p.v !== null).length);
      }),
      { numRuns: 100 },
    );
  });

  it('1m -> 1h equals raw -> 1h exactly (count-weighted merge)', () => {
    fc.assert(
      fc.property(points, (pts) => {
        const viaMinutes = rollupBuckets(rollupPoints(pts, MIN), HOUR);
        const direct = rollupPoints(pts, HOUR);
        expect(viaMinutes.map((b) => [b.key, b.start, b.count, b.min, b.max])).toEqual(
          direct.map((b) => [b.key, b.start, b.count, b.min, b.max]),
        );
        viaMinutes.forEach((b, i) => expect(b.avg).toBeCloseTo(direct[i].avg, 9));
      }),
      { numRuns: 100 },
    );
  });

  it('buckets a small series by hand', () => {
    const out = rollupPoints(
      [
        { key: 'g', t: 0, v: 10 },
        { key: 'g', t: 30_000, v: 20 },
        { key: 'g', t: 60_000, v: 90 },
      ],
      MIN,
    );
    expect(out).toEqual([
      { key: 'g', start: 0, count: 2, sum: 30, min: 10, max: 20, avg: 15 },
      { key: 'g', start: 60_000, count: 1, sum: 90, min: 90, max: 90, avg: 90 },
    ]);
  });
});

describe('retention policy and chart planning', () => {
  it('is raw 24 h, 1 minute for 7 days, 1 hour for a year', () => {
    expect(RETENTION_POLICY.map((t) => [t.name, t.bucketMs, t.retentionMs])).toEqual([
      ['raw', 0, DAY],
      ['1m', MIN, 7 * DAY],
      ['1h', HOUR, 365 * DAY],
    ]);
    expect(computeRetentionCutoff(RETENTION_POLICY[1], 10 * DAY)).toBe(3 * DAY);
    expect(isBucketClosed(0, MIN, MIN)).toBe(true);
    expect(isBucketClosed(0, MIN, MIN, 10_000)).toBe(false);
  });

  it('reads the finest tier that holds the range within 1,000 points', () => {
    const now = 400 * DAY;
    const plan = (spanMs: number) => planSeriesQuery({ from: now - spanMs, to: now, now, rawIntervalMs: 10_000 });
    expect(plan(HOUR).tier.name).toBe('raw'); // 361 points
    expect(plan(6 * HOUR).tier.name).toBe('1m'); // raw would be 2,161
    expect(plan(3 * DAY).tier.name).toBe('1h'); // 1m would be 4,321
    const year = plan(365 * DAY);
    expect(year.tier.name).toBe('1h');
    expect(year.downsample).toBe(true); // 8,761 hourly points: LTTB caps them
    // Older than raw retention: raw is not a candidate even for a short span.
    expect(
      planSeriesQuery({ from: now - 2 * DAY, to: now - 2 * DAY + HOUR, now, rawIntervalMs: 10_000 }).tier.name,
    ).toBe('1m');
  });
});

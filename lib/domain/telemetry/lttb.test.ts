import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsampleLttb, MAX_CHART_POINTS, prepareChartSeries, type Point } from './lttb';

const series = fc
  .array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 3000 })
  .map((vs) => vs.map((v, i) => ({ t: i * 1000, v })));

describe('downsampleLttb', () => {
  it('keeps the ends, never exceeds the threshold, returns a subsequence in order', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 3, max: 1500 }), (points, threshold) => {
        const out = downsampleLttb(points, threshold);
        expect(out.length).toBe(Math.min(points.length, threshold));
        if (points.length > 0) {
          expect(out[0]).toBe(points[0]);
          expect(out[out.length - 1]).toBe(points[points.length - 1]);
        }
        let last = -1;
        for (const p of out) {
          const at = points.indexOf(p);
          expect(at).toBeGreaterThan(last);
          last = at;
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps a lone spike in flat data (the point of LTTB over averaging)', () => {
    const points: Point[] = Array.from({ length: 10_000 }, (_, i) => ({ t: i, v: i === 4321 ? 100 : 0 }));
    const out = downsampleLttb(points, 100);
    expect(out.some((p) => p.t === 4321 && p.v === 100)).toBe(true);
  });

  it('matches a hand-checked small case', () => {
    // Buckets of the 3 inner points with threshold 3: the middle bucket is points 1..3; the
    // triangle with (0,0) and the last point (4,0) is largest at the peak (2,10).
    const points = [0, 1, 10, 2, 0].map((v, t) => ({ t, v }));
    expect(downsampleLttb(points, 3).map((p) => p.t)).toEqual([0, 2, 4]);
  });

  it('handles tiny thresholds and inputs', () => {
    const p = [
      { t: 0, v: 1 },
      { t: 1, v: 2 },
      { t: 2, v: 3 },
    ];
    expect(downsampleLttb(p, 0)).toEqual([]);
    expect(downsampleLttb(p, 1)).toEqual([p[0]]);
    expect(downsampleLttb(p, 2)).toEqual([p[0], p[2]]);
    expect(downsampleLttb(p, 10)).toEqual(p);
  });

  it('prepareChartSeries drops nulls and caps at 1,000 points', () => {
    const raw = Array.from({ length: 5000 }, (_, i) => ({ t: i, v: i % 7 === 0 ? null : Math.sin(i / 50) }));
    const out = prepareChartSeries(raw);
    expect(out.length).toBe(MAX_CHART_POINTS);
    expect(out.every((p) => p.v !== null)).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { toFlatMatrix } from './flat-matrix';
import { computeTopsis, prepareTopsis, rankByScore, scoreTopsis, type Direction } from './topsis';

interface TopsisVector {
  matrix: number[][];
  weights: number[];
  types: number[];
  directions: Direction[];
  expected_closeness: number[];
}

describeWithReference('TOPSIS against the published pymcdm vector (Opricovic & Tzeng 2004)', () => {
  const v = JSON.parse(readReference('ranking/topsis/pymcdm_opricovic_tzeng_2004.json')) as TopsisVector;

  it('reproduces the expected closeness with min-max normalisation (pymcdm default), to 3 decimals', () => {
    const closeness = computeTopsis(v.matrix, v.weights, v.directions, 'minmax');
    closeness.forEach((c, i) => expect(c).toBeCloseTo(v.expected_closeness[i], 3));
  });

  it('reads types (1 benefit, -1 cost) the same as directions', () => {
    const fromTypes = v.types.map((t): Direction => (t === 1 ? 'benefit' : 'cost'));
    expect(fromTypes).toEqual(v.directions);
  });

  it('gives the Hwang-Yoon vector-normalised scores (worked by hand: 0.762, 0.722, 0.238)', () => {
    // The file publishes min-max scores only; these were computed by hand from x / ||x||.
    const closeness = computeTopsis(v.matrix, v.weights, v.directions, 'vector');
    [0.762, 0.722, 0.238].forEach((e, i) => expect(closeness[i]).toBeCloseTo(e, 3));
  });
});

// A textbook implementation on number[][] as an oracle for the typed-array one.
function topsisOracle(x: number[][], w: number[], dirs: Direction[], norm: 'vector' | 'minmax'): number[] {
  const m = w.length;
  const cols = Array.from({ length: m }, (_, j) => x.map((r) => r[j]));
  const r = x.map((row) =>
    row.map((v, j) => {
      if (norm === 'vector') {
        const n = Math.hypot(...cols[j]);
        return n > 0 ? v / n : 0;
      }
      const lo = Math.min(...cols[j]);
      const hi = Math.max(...cols[j]);
      return hi > lo ? (v - lo) / (hi - lo) : 0;
    }),
  );
  const vw = r.map((row) => row.map((v, j) => v * w[j]));
  const ideal = Array.from({ length: m }, (_, j) =>
    (dirs[j] === 'benefit' ? Math.max : Math.min)(...vw.map((row) => row[j])),
  );
  const anti = Array.from({ length: m }, (_, j) =>
    (dirs[j] === 'benefit' ? Math.min : Math.max)(...vw.map((row) => row[j])),
  );
  return vw.map((row) => {
    const dp = Math.hypot(...row.map((v, j) => v - ideal[j]));
    const dm = Math.hypot(...row.map((v, j) => v - anti[j]));
    return dp + dm > 0 ? dm / (dp + dm) : 0.5;
  });
}

const problem = fc
  .record({ rows: fc.integer({ min: 1, max: 30 }), cols: fc.integer({ min: 1, max: 6 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      matrix: fc.array(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: cols, maxLength: cols }), {
        minLength: rows,
        maxLength: rows,
      }),
      weights: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: cols, maxLength: cols }),
      directions: fc.array(fc.constantFrom<Direction>('benefit', 'cost'), { minLength: cols, maxLength: cols }),
      column: fc.nat(cols - 1),
    }),
  );

describe('TOPSIS properties', () => {
  it('matches the textbook formula for both normalisations', () => {
    fc.assert(
      fc.property(problem, fc.constantFrom('vector' as const, 'minmax' as const), (p, norm) => {
        const got = computeTopsis(p.matrix, p.weights, p.directions, norm);
        const want = topsisOracle(p.matrix, p.weights, p.directions, norm);
        got.forEach((c, i) => expect(c).toBeCloseTo(want[i], 9));
      }),
    );
  });

  it('keeps closeness within [0, 1]', () => {
    fc.assert(
      fc.property(problem, (p) => {
        for (const c of computeTopsis(p.matrix, p.weights, p.directions)) {
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('does not change ranks when a criterion is scaled by a power of two (vector normalisation, exact)', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: -20, max: 20 }), (p, k) => {
        const scaled = p.matrix.map((row) => row.map((v, j) => (j === p.column ? v * 2 ** k : v)));
        const before = computeTopsis(p.matrix, p.weights, p.directions, 'vector');
        const after = computeTopsis(scaled, p.weights, p.directions, 'vector');
        expect(Array.from(rankByScore(Float64Array.from(after)))).toEqual(
          Array.from(rankByScore(Float64Array.from(before))),
        );
      }),
    );
  });

  it('does not change closeness when a criterion is scaled by any positive factor (vector normalisation)', () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (p, factor) => {
        const scaled = p.matrix.map((row) => row.map((v, j) => (j === p.column ? v * factor : v)));
        const before = computeTopsis(p.matrix, p.weights, p.directions, 'vector');
        const after = computeTopsis(scaled, p.weights, p.directions, 'vector');
        after.forEach((c, i) => expect(c).toBeCloseTo(before[i], 9));
      }),
    );
  });

  it('does not change closeness under a positive affine change of a criterion (min-max normalisation)', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 50 }), fc.integer({ min: -500, max: 500 }), (p, a, b) => {
        const moved = p.matrix.map((row) => row.map((v, j) => (j === p.column ? a * v + b : v)));
        const before = computeTopsis(p.matrix, p.weights, p.directions, 'minmax');
        const after = computeTopsis(moved, p.weights, p.directions, 'minmax');
        after.forEach((c, i) => expect(c).toBeCloseTo(before[i], 9));
      }),
    );
  });

  it('does not depend on the scale of the weights', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const prepared = prepareTopsis(toFlatMatrix(p.matrix), p.directions);
        const a = scoreTopsis(prepared, p.weights);
        const b = scoreTopsis(
          prepared,
          p.weights.map((w) => w * 7.5),
        );
        a.forEach((c, i) => expect(b[i]).toBeCloseTo(c, 12));
      }),
    );
  });
});

describe('rankByScore', () => {
  it('ranks descending with ties sharing the better rank', () => {
    expect(Array.from(rankByScore(Float64Array.from([0.5, 0.617, 0.5, 0.1])))).toEqual([2, 1, 2, 4]);
  });
  it('leaves excluded rows at 0', () => {
    expect(Array.from(rankByScore(Float64Array.from([0.9, 0.8, 0.7]), Uint8Array.from([0, 1, 1])))).toEqual([0, 1, 2]);
  });
  it('scores a single alternative 0.5 and ranks it first', () => {
    expect(computeTopsis([[3, 4]], [1, 1], ['benefit', 'cost'])).toEqual([0.5]);
  });
});

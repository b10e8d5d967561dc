import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { readRow, toFlatMatrix, type FlatMatrix } from './flat-matrix';
import {
  computeCrowdingDistance,
  computeParetoRanking,
  dominates,
  listDominations,
  sortNonDominated,
  sortPopulation,
} from './pareto';

interface PagmoVectors {
  pareto_dominance: { a: number[]; b: number[]; a_dominates_b?: boolean; error?: string }[];
  non_dominated_front_2d: { points: number[][]; expected_indices?: number[]; error?: string }[];
  fast_non_dominated_sorting: {
    points: number[][];
    expected_fronts?: number[][];
    expected_dom_list?: number[][];
    expected_dom_count?: number[];
    expected_non_dom_rank?: number[];
    error?: string;
  }[];
  crowding_distance: { points: number[][]; expected: (number | 'inf')[] }[];
  sort_population_mo: { points: number[][]; expected_order: number[] }[];
}

describeWithReference('Pareto ranking against pagmo2 tests/multi_objective.cpp', () => {
  const v = JSON.parse(readReference('ranking/pareto/pagmo2__tests_multi_objective.json')) as PagmoVectors;

  it('decides pareto dominance as pagmo2 does', () => {
    for (const c of v.pareto_dominance) {
      if (c.error) expect(() => dominates(c.a, c.b)).toThrow(RangeError);
      else expect(dominates(c.a, c.b)).toBe(c.a_dominates_b);
    }
  });

  it('finds the 2-D non-dominated front (duplicates do not dominate each other)', () => {
    for (const c of v.non_dominated_front_2d) {
      if (c.error?.includes('not 2-D')) continue; // pagmo2's 2-D-only helper; ours sorts any dimension
      if (c.error) {
        expect(() => toFlatMatrix(c.points)).toThrow(/matrix\[1\]/);
        continue;
      }
      const fronts = sortNonDominated(toFlatMatrix(c.points)).fronts;
      expect(fronts[0] ?? []).toEqual(c.expected_indices);
    }
  });

  it('returns the fronts, domination lists and counts and 0-based ranks of fast non-dominated sorting', () => {
    let checked = 0;
    for (const c of v.fast_non_dominated_sorting) {
      if (c.error) {
        // pagmo2 also rejects fewer than 2 points; Gantry ranks a single configuration (it is front 1).
        if (c.error.includes('ragged')) expect(() => toFlatMatrix(c.points)).toThrow(RangeError);
        continue;
      }
      const m = toFlatMatrix(c.points);
      const { fronts, rank } = sortNonDominated(m);
      expect(fronts).toEqual(c.expected_fronts);
      expect(Array.from(rank)).toEqual(c.expected_non_dom_rank);
      const { dominated, dominatedByCount } = listDominations(m);
      expect(dominated).toEqual(c.expected_dom_list);
      expect(dominatedByCount).toEqual(c.expected_dom_count);
      checked++;
    }
    expect(checked).toBe(3);
  });

  it('computes crowding distances (extremes are infinite)', () => {
    for (const c of v.crowding_distance) {
      const m = toFlatMatrix(c.points);
      const got = Array.from(
        computeCrowdingDistance(
          m,
          c.points.map((_, i) => i),
        ),
      );
      got.forEach((d, i) => {
        const e = c.expected[i];
        if (e === 'inf') expect(d).toBe(Infinity);
        else expect(d).toBeCloseTo(e, 12);
      });
    }
  });

  it('orders a population by front, then crowding distance', () => {
    for (const c of v.sort_population_mo) {
      expect(sortPopulation(toFlatMatrix(c.points))).toEqual(c.expected_order);
    }
  });
});

// Deb et al. (2002) fast non-dominated sort, verbatim in structure, as the oracle for ENS-BS.
function debRanks(m: FlatMatrix): number[] {
  const { dominated, dominatedByCount } = listDominations(m);
  const count = [...dominatedByCount];
  const rank = new Array(m.rows).fill(-1);
  let current = count.flatMap((c, i) => (c === 0 ? [i] : []));
  for (let f = 0; current.length; f++) {
    const next: number[] = [];
    for (const p of current) {
      rank[p] = f;
      for (const q of dominated[p]) if (--count[q] === 0) next.push(q);
    }
    current = next;
  }
  return rank;
}

const points = (maxCols: number) =>
  fc.integer({ min: 1, max: maxCols }).chain((cols) =>
    fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: cols, maxLength: cols }), {
      minLength: 1,
      maxLength: 60,
    }),
  );

describe('non-dominated sorting properties', () => {
  it("agrees with Deb's O(n^2) sort for 1 to 5 criteria, duplicates included", () => {
    fc.assert(
      fc.property(points(5), (pts) => {
        const m = toFlatMatrix(pts);
        expect(Array.from(sortNonDominated(m).rank)).toEqual(debRanks(m));
      }),
      { numRuns: 300 },
    );
  });

  it('never puts a dominated row on the first front', () => {
    fc.assert(
      fc.property(points(4), (pts) => {
        const m = toFlatMatrix(pts);
        const [front] = sortNonDominated(m).fronts;
        for (const p of front)
          for (let q = 0; q < m.rows; q++) expect(dominates(readRow(m, q), readRow(m, p))).toBe(false);
      }),
    );
  });

  it('has every member of front k+1 dominated by some member of front k, and none within its own front', () => {
    fc.assert(
      fc.property(points(3), (pts) => {
        const m = toFlatMatrix(pts);
        const { fronts } = sortNonDominated(m);
        fronts.forEach((front, k) => {
          for (const p of front) {
            for (const q of front) expect(dominates(readRow(m, q), readRow(m, p))).toBe(false);
            if (k > 0) expect(fronts[k - 1].some((q) => dominates(readRow(m, q), readRow(m, p)))).toBe(true);
          }
        });
      }),
    );
  });

  it('gives 1-based ranks and crowding per front in computeParetoRanking', () => {
    const r = computeParetoRanking(
      toFlatMatrix([
        [0, 7],
        [1, 5],
        [2, 3],
        [2, 6],
        [6, 6],
      ]),
    );
    expect(Array.from(r.rank)).toEqual([1, 1, 1, 2, 3]);
    expect(r.crowding[0]).toBe(Infinity);
    expect(r.crowding[1]).toBeCloseTo(2 / 2 + 4 / 4, 12);
  });

  it('handles an empty matrix', () => {
    expect(sortNonDominated(toFlatMatrix([])).fronts).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { toFlatMatrix } from './flat-matrix';
import { dominates } from './pareto';
import { describeRankingIssues, prepareRanking, rankAlternatives, RankingRequest, scorePreparedRanking } from './rank';

describeWithReference('POST /api/rankings shape against the published vectors', () => {
  it('returns pymcdm closeness and ranks for the min-max request', () => {
    const v = JSON.parse(readReference('ranking/topsis/pymcdm_opricovic_tzeng_2004.json'));
    const r = rankAlternatives({
      matrix: v.matrix,
      weights: v.weights,
      directions: v.directions,
      normalization: 'minmax',
    });
    r.closeness.forEach((c, i) => expect(c!).toBeCloseTo(v.expected_closeness[i], 3));
    expect(r.rank).toEqual([2, 1, 2]);
    expect(r.paretoRank).toEqual([1, 1, 1]);
  });

  it('returns pagmo2 fronts as paretoRank (cost directions = minimisation, ranks 1-based)', () => {
    const v = JSON.parse(readReference('ranking/pareto/pagmo2__tests_multi_objective.json'));
    const c = v.fast_non_dominated_sorting[0];
    const r = rankAlternatives({ matrix: c.points, weights: [1, 1], directions: ['cost', 'cost'] });
    expect(r.paretoRank).toEqual(c.expected_non_dom_rank.map((x: number) => x + 1));
    // Benefit directions mirror the points: the same fronts come out of the negated matrix.
    const mirrored = rankAlternatives({
      matrix: c.points.map((p: number[]) => p.map((x) => -x)),
      weights: [1, 1],
      directions: ['benefit', 'benefit'],
    });
    expect(mirrored.paretoRank).toEqual(r.paretoRank);
  });
});

const request = {
  matrix: [
    [1200, 150, 40],
    [1500, 210, 60],
    [900, 90, 24],
    [1000, 180, 70],
  ],
  weights: [0.4, 0.4, 0.2],
  directions: ['benefit', 'cost', 'cost'] as ('benefit' | 'cost')[],
  criteria: ['throughput', 'p95 latency', 'memory'],
};

describe('rankAlternatives', () => {
  it('filters with constraints first and leaves infeasible rows null with a reason', () => {
    const r = rankAlternatives({
      ...request,
      constraints: [
        { criterion: 'p95 latency', atMost: 200 },
        { criterion: 2, atMost: 65 },
      ],
    });
    expect(r.feasible).toEqual([true, false, true, false]);
    expect(r.rank[1]).toBeNull();
    expect(r.closeness[3]).toBeNull();
    expect(r.paretoRank[1]).toBeNull();
    expect(r.infeasible).toEqual([
      { index: 1, reasons: ['p95 latency 210 > 200 (at most)'] },
      { index: 3, reasons: ['memory 70 > 65 (at most)'] },
    ]);
    expect(r.recommendations.map((x) => x.index).sort()).toEqual([0, 2]);
  });

  it('explains each recommendation', () => {
    const r = rankAlternatives(request);
    const best = r.recommendations[0];
    expect(best.rank).toBe(1);
    for (const rec of r.recommendations)
      expect(rec.reason).toMatch(/^#\d+ \(closeness 0\.\d{3}\): .+; (Pareto-optimal|Pareto front \d+)$/);
    const fastest = r.recommendations.find((x) => x.index === 1)!;
    expect(fastest.reason).toContain('best on throughput (weight 0.40)');
    expect(fastest.reason).toMatch(/trails on p95 latency \(133% from best\)/);
    const lean = r.recommendations.find((x) => x.index === 2)!;
    expect(lean.reason).toContain('best on p95 latency (weight 0.40), best on memory (weight 0.20)');
  });

  it('runs the Pareto sort over the chosen criteria only', () => {
    const r = rankAlternatives({ ...request, paretoCriteria: [0] });
    expect(r.paretoRank).toEqual([2, 1, 4, 3]);
    expect(r.paretoCriteria).toEqual([0]);
  });

  it('normalises the weights it reports', () => {
    expect(rankAlternatives({ ...request, weights: [2, 2, 1] }).weights).toEqual([0.4, 0.4, 0.2]);
  });

  it('reports crowding as null at the extremes of a front', () => {
    const r = rankAlternatives({
      matrix: [
        [1, 5],
        [2, 3],
        [3, 2],
        [5, 1],
      ],
      weights: [1, 1],
      directions: ['cost', 'cost'],
    });
    expect(r.crowding[0]).toBeNull();
    expect(r.crowding[1]).toBeGreaterThan(0);
  });
});

describe('RankingRequest validation', () => {
  const issues = (input: unknown) => {
    const parsed = RankingRequest.safeParse(input);
    expect(parsed.success).toBe(false);
    return describeRankingIssues((parsed as { error: z.ZodError }).error);
  };

  it('names the field: weights[2], matrix[1], directions, constraints[0].criterion', () => {
    expect(issues({ ...request, weights: [0.4, 0.4, -1] })).toEqual(['weights[2]: must be a number >= 0']);
    expect(
      issues({
        ...request,
        matrix: [
          [1, 2, 3],
          [1, 2],
        ],
      }),
    ).toEqual(['matrix[1] has 2 values, expected 3 (one per weight)']);
    expect(issues({ ...request, directions: ['benefit'] })).toEqual([
      'directions has 1 entries, expected 3 (one per weight)',
    ]);
    expect(issues({ ...request, constraints: [{ criterion: 'power', atMost: 1 }] })).toEqual([
      'constraints[0].criterion "power" names no criterion',
    ]);
    expect(issues({ ...request, constraints: [{ criterion: 1 }] })[0]).toMatch(
      /^constraints\[0\]: give atMost, atLeast or both/,
    );
  });

  it('rejects non-finite numbers and all-zero weights', () => {
    expect(issues({ ...request, matrix: [[1, Infinity, 3]] })[0]).toMatch(/^matrix\[0\]\[1\]: /);
    expect(issues({ ...request, weights: [0, 0, 0] })).toEqual(['weights must not all be 0']);
  });
});

describe('ranking properties', () => {
  const problem = fc.integer({ min: 1, max: 4 }).chain((cols) =>
    fc.record({
      matrix: fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: cols, maxLength: cols }), {
        minLength: 1,
        maxLength: 40,
      }),
      weights: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: cols, maxLength: cols }),
      directions: fc.array(fc.constantFrom<'benefit' | 'cost'>('benefit', 'cost'), {
        minLength: cols,
        maxLength: cols,
      }),
      bound: fc.integer({ min: 0, max: 20 }),
    }),
  );

  it('never puts a dominated feasible row on paretoRank 1, and nulls exactly the infeasible rows', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const r = rankAlternatives({ ...p, constraints: [{ criterion: 0, atMost: p.bound }] });
        const signed = p.matrix.map((row) => row.map((v, j) => (p.directions[j] === 'benefit' ? -v : v)));
        const feasibleRows = signed.flatMap((row, i) => (r.feasible[i] ? [i] : []));
        for (const i of feasibleRows) {
          if (r.paretoRank[i] !== 1) continue;
          for (const k of feasibleRows) expect(dominates(signed[k], signed[i])).toBe(false);
        }
        for (let i = 0; i < p.matrix.length; i++) {
          expect(r.feasible[i]).toBe(p.matrix[i][0] <= p.bound);
          expect(r.rank[i] === null).toBe(!r.feasible[i]);
        }
        const ranks = r.rank.filter((x): x is number => x !== null);
        if (ranks.length) expect(Math.min(...ranks)).toBe(1);
      }),
    );
  });

  it('re-ranks after a weight change exactly as a fresh ranking does', () => {
    fc.assert(
      fc.property(problem, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 4, maxLength: 4 }), (p, w2) => {
        const weights = w2.slice(0, p.weights.length);
        const prepared = prepareRanking(toFlatMatrix(p.matrix), {
          directions: p.directions,
          paretoColumns: p.weights.map((_, j) => j),
        });
        const fresh = rankAlternatives({ ...p, weights });
        expect(Array.from(scorePreparedRanking(prepared, weights).rank)).toEqual(fresh.rank);
      }),
    );
  });
});

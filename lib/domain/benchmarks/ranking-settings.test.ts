import { describe, expect, it } from 'vitest';
import { rankAlternatives } from '../ranking/rank';
import { fromPrefill } from '@/components/jobs/submit-form-model';
import {
  formatDeployHref,
  prepareResultRanking,
  RankingSettings,
  scoreResultRanking,
  suggestRankingSettings,
} from './ranking-settings';
import type { BenchmarkResult } from './results';

const result = (n: number, metrics: BenchmarkResult['metrics']): BenchmarkResult => ({
  configurationId: `c${n}`,
  attempt: 1,
  source: 'import',
  model: 'm',
  engine: 'vllm',
  quantization: 'fp16',
  precision: 'fp16',
  gpuKind: 'h100-80gb',
  gpuCount: 1,
  batchSize: n,
  concurrency: null,
  inputTokens: 128,
  outputTokens: 128,
  scenario: null,
  metrics,
});
const results = [
  result(1, { tokensPerSecond: 900, ttftMeanMs: 120, memoryGb: 30 }),
  result(2, { tokensPerSecond: 1500, ttftMeanMs: 300, memoryGb: 40 }),
  result(3, { tokensPerSecond: 400, ttftMeanMs: 60, memoryGb: 20 }),
  result(4, { tokensPerSecond: 1200 }),
  result(5, { tokensPerSecond: 1100, ttftMeanMs: 90, memoryGb: 60 }),
];
const settings = RankingSettings.parse({
  criteria: ['tokensPerSecond', 'ttftMeanMs'],
  weights: [1, 1],
  directions: ['benefit', 'cost'],
});

describe('ranking benchmark results', () => {
  it('agrees with rankAlternatives (POST /api/rankings) on the rows that have every criterion', () => {
    const p = prepareResultRanking(results, settings);
    expect(p.rows).toEqual([0, 1, 2, 4]);
    for (const weights of [
      [1, 1],
      [5, 1],
      [1, 5],
    ]) {
      const mine = scoreResultRanking(p, weights, 4);
      const server = rankAlternatives({
        matrix: p.rows.map((i) => [results[i].metrics.tokensPerSecond!, results[i].metrics.ttftMeanMs!]),
        weights,
        directions: ['benefit', 'cost'],
        criteria: p.names,
        top: 4,
      });
      expect(mine.rank).toEqual(server.rank);
      expect(mine.paretoRank).toEqual(server.paretoRank);
      expect(mine.recommendations.map((r) => r.reason)).toEqual(server.recommendations.map((r) => r.reason));
    }
  });

  it('changes the top recommendation when a weight moves, and filters by constraints', () => {
    const p = prepareResultRanking(results, settings);
    expect(results[p.rows[scoreResultRanking(p, [10, 0.1]).order[0]]].configurationId).toBe('c2');
    expect(results[p.rows[scoreResultRanking(p, [0.1, 10]).order[0]]].configurationId).toBe('c3');
    const bounded = prepareResultRanking(results, {
      ...settings,
      constraints: [{ metric: 'ttftMeanMs', atMost: 100 }],
    });
    const scored = scoreResultRanking(bounded, [1, 1]);
    expect(scored.order.map((i) => results[bounded.rows[i]].configurationId).sort()).toEqual(['c3', 'c5']);
    expect(scored.rank[1]).toBeNull();
  });

  it('suggests the metrics most rows carry, in their natural direction', () => {
    expect(suggestRankingSettings(results)).toEqual({
      criteria: ['tokensPerSecond', 'ttftMeanMs', 'memoryGb'],
      weights: [1, 1, 1],
      directions: ['benefit', 'cost', 'cost'],
      normalization: 'vector',
      constraints: [],
    });
    expect(suggestRankingSettings([])).toBeNull();
  });

  it('names the field of inconsistent settings', () => {
    const bad = RankingSettings.safeParse({
      criteria: ['accuracy', 'accuracy'],
      weights: [0, 0],
      directions: ['benefit'],
      constraints: [{ metric: 'powerWatts', atMost: 1 }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual([
      'criteria',
      'directions',
      'weights',
      'constraints.0.metric',
    ]);
  });

  it('links a configuration to the submit form with a job body the form can parse', () => {
    const href = formatDeployHref(results[0]);
    expect(href.startsWith('/jobs/new?prefill=')).toBe(true);
    const body = JSON.parse(new URL(href, 'http://x').searchParams.get('prefill')!);
    expect(body).toMatchObject({
      kind: 'benchmark',
      gpu: { kind: 'h100-80gb', count: 1 },
      spec: { configurations: [{ id: 'c1', parameters: expect.any(Object) }] },
    });
    expect(fromPrefill(new URL(href, 'http://x').searchParams.get('prefill'))).toMatchObject({
      kind: 'benchmark',
      gpuKind: 'h100-80gb',
      gpuCount: '1',
    });
  });

  it('ranks an empty selection without failing', () => {
    const p = prepareResultRanking([result(9, { memoryGb: 1 })], settings);
    expect(scoreResultRanking(p, [1, 1])).toMatchObject({ order: [], recommendations: [] });
  });
});

describe('the two-criteria Pareto front', async () => {
  const { findParetoFront2d } = await import('./scatter');
  it('keeps the points nothing beats on both axes, ordered by x', () => {
    const pts = [
      { x: 1, y: 10 },
      { x: 2, y: 5 },
      { x: 3, y: 7 },
      { x: 4, y: 1 },
      { x: 0.5, y: 20 },
    ];
    // maximise x, minimise y: (2,5) is beaten by (4,1); (3,7) too.
    expect(findParetoFront2d(pts, 'benefit', 'cost')).toEqual([3]);
    // minimise both
    expect(findParetoFront2d(pts, 'cost', 'cost')).toEqual([4, 0, 1, 3]);
    expect(findParetoFront2d([], 'cost', 'cost')).toEqual([]);
  });
});

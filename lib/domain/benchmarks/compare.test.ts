import { describe, expect, it } from 'vitest';
import { compareResults, relativeChange, type ComparableResult } from './compare';

function result(
  id: string,
  metrics: ComparableResult['metrics'],
  over: Partial<ComparableResult> = {},
): ComparableResult {
  return {
    configurationId: id,
    attempt: 1,
    model: 'mistral-7b',
    engine: 'vllm',
    quantization: 'awq',
    gpuKind: 'l40s',
    gpuCount: 1,
    batchSize: 16,
    metrics,
    ...over,
  };
}

describe('compareResults', () => {
  it('matches by configuration id and classifies a benefit metric, worst regression first', () => {
    const a = [
      result('x', { tokensPerSecond: 100 }),
      result('y', { tokensPerSecond: 100 }),
      result('z', { tokensPerSecond: 100 }),
      result('w', { tokensPerSecond: 100 }),
    ];
    const b = [
      result('x', { tokensPerSecond: 80 }),
      result('y', { tokensPerSecond: 120 }),
      result('z', { tokensPerSecond: 103 }),
      result('w', { tokensPerSecond: 90 }),
    ];
    const c = compareResults(a, b, 'tokensPerSecond');
    expect(c.pairs.map((p) => [p.key, p.status])).toEqual([
      ['x', 'regression'],
      ['w', 'regression'],
      ['z', 'unchanged'],
      ['y', 'improvement'],
    ]);
    expect(c.pairs[0].relativeChange).toBeCloseTo(-0.2);
    expect(c.counts).toMatchObject({ regressions: 2, improvements: 1, unchanged: 1, unmatchedA: 0, unmatchedB: 0 });
  });

  it('treats a higher cost metric as a regression', () => {
    const c = compareResults(
      [result('x', { ttftP50Ms: 100 }), result('y', { ttftP50Ms: 100 })],
      [result('x', { ttftP50Ms: 150 }), result('y', { ttftP50Ms: 50 })],
      'ttftP50Ms',
    );
    expect(c.pairs.map((p) => [p.key, p.status])).toEqual([
      ['x', 'regression'],
      ['y', 'improvement'],
    ]);
  });

  it('respects the threshold', () => {
    const a = [result('x', { tokensPerSecond: 100 })];
    const b = [result('x', { tokensPerSecond: 92 })];
    expect(compareResults(a, b, 'tokensPerSecond').counts.regressions).toBe(1);
    expect(compareResults(a, b, 'tokensPerSecond', 0.1).counts.unchanged).toBe(1);
  });

  it('falls back to model+engine+quantization+gpu+batch, and counts the unmatched on each side', () => {
    const a = [
      result('a/s512', { tokensPerSecond: 100 }),
      result('other', { tokensPerSecond: 1 }, { model: 'phi-3-mini' }),
    ];
    const b = [result('b/s2048', { tokensPerSecond: 50 }), result('extra', { tokensPerSecond: 1 }, { batchSize: 64 })];
    const c = compareResults(a, b, 'tokensPerSecond');
    expect(c.pairs).toHaveLength(1);
    expect(c.pairs[0]).toMatchObject({
      key: 'a/s512',
      matchedBy: 'fallback',
      valueA: 100,
      valueB: 50,
      status: 'regression',
    });
    expect(c.counts).toMatchObject({ unmatchedA: 1, unmatchedB: 1 });
  });

  it('uses the latest attempt and skips pairs missing the metric', () => {
    const a = [
      result('x', { tokensPerSecond: 100 }),
      result('x', { tokensPerSecond: 200 }, { attempt: 2 }),
      result('y', { ttftP50Ms: 5 }),
    ];
    const b = [result('x', { tokensPerSecond: 200 }), result('y', { tokensPerSecond: 5 })];
    const c = compareResults(a, b, 'tokensPerSecond');
    expect(c.pairs).toHaveLength(1);
    expect(c.pairs[0]).toMatchObject({ valueA: 200, status: 'unchanged' });
    expect(c.counts.missingMetric).toBe(1);
  });

  it('handles zero baselines', () => {
    expect(relativeChange(0, 0)).toBe(0);
    expect(relativeChange(0, 3)).toBe(Infinity);
  });
});

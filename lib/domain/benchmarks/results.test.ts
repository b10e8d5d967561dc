import { describe, expect, it } from 'vitest';
import { importResultsCsv, importResultsJson, formatResultsCsv } from './import/generic';
import { simulateBenchmark } from './perf-model';
import { BenchmarkResult, mergeResults, toResultMatrix } from './results';
import { rankAlternatives } from '@/lib/domain/ranking/rank';

const config = {
  model: 'mistral-7b',
  engine: 'vllm',
  quantization: 'awq',
  precision: 'fp16',
  gpuKind: 'l40s',
  gpuCount: 1,
  batchSize: 16,
  sequenceLength: 512,
  outputTokens: 256,
} as const;

describe('BenchmarkResult', () => {
  it('rejects negative metrics, unknown metric names and empty metrics, naming the field', () => {
    const ok = simulateBenchmark(config);
    const bad = BenchmarkResult.safeParse({ ...ok, metrics: { tokensPerSecond: -1, speed: 3 } });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['metrics.tokensPerSecond']));
    expect(BenchmarkResult.safeParse({ ...ok, metrics: {} }).success).toBe(false);
    expect(BenchmarkResult.safeParse({ ...ok, attempt: 0 }).success).toBe(false);
  });
});

describe('mergeResults', () => {
  const a = simulateBenchmark(config);
  const b = simulateBenchmark({ ...config, batchSize: 32 });

  it('is idempotent per configuration and attempt', () => {
    const once = mergeResults([], [a, b]);
    const twice = mergeResults(once.results, [a, b]);
    expect(once.inserted).toBe(2);
    expect(twice).toMatchObject({ inserted: 0, unchanged: 2, conflicts: [] });
    expect(twice.results).toHaveLength(2);
  });

  it('keeps a retried attempt separately and reports a changed result under an existing key', () => {
    const retry = simulateBenchmark(config, { attempt: 2 });
    const changed = { ...a, metrics: { ...a.metrics, tokensPerSecond: 1 } };
    const out = mergeResults([a], [retry, changed]);
    expect(out.inserted).toBe(1);
    expect(out.conflicts).toEqual([{ key: `${a.configurationId}#1` }]);
    expect(out.results.find((r) => r.attempt === 1)).toBe(a);
  });
});

describe('generic CSV and JSON import', () => {
  const results = [simulateBenchmark(config), simulateBenchmark({ ...config, engine: 'tgi' })];

  it('reads back its own CSV export unchanged', () => {
    const back = importResultsCsv(formatResultsCsv(results));
    expect(back.issues).toEqual([]);
    expect(back.results).toEqual(results);
  });

  it('reads JSON arrays of results and of flat rows', () => {
    expect(importResultsJson(JSON.stringify(results)).results).toEqual(results);
    const flat = importResultsJson(
      JSON.stringify([
        { model: 'llama-3.1-8b', gpuKind: 'h100-80gb', gpuCount: 2, tokensPerSecond: 1500, ttftP95Ms: 180 },
      ]),
    );
    expect(flat.issues).toEqual([]);
    expect(flat.results[0]).toMatchObject({
      configurationId: 'import:llama-3.1-8b/-/-/-/h100-80gb/2/-/-/-',
      attempt: 1,
      metrics: { tokensPerSecond: 1500, ttftP95Ms: 180 },
    });
  });

  it('keeps good rows and reports bad ones by row and field', () => {
    const csv = 'model,gpuCount,tokensPerSecond,memoryGb\nllama-3.1-8b,1,900,20\n,2,abc,\nmistral-7b,-1,50,10\n';
    const out = importResultsCsv(csv);
    expect(out.results).toHaveLength(1);
    expect(out.issues.map((i) => `${i.row}:${i.field}`)).toEqual(
      expect.arrayContaining(['2:model', '2:metrics.tokensPerSecond', '3:gpuCount']),
    );
  });

  it('rejects JSON that is not an array of objects', () => {
    expect(importResultsJson('{').issues[0].field).toBe('file');
    expect(importResultsJson('{"a":1}').issues[0].message).toMatch(/array/);
    expect(importResultsJson('[1]').issues[0]).toMatchObject({ row: 1, field: 'row' });
  });
});

describe('results to ranking', () => {
  it('builds a matrix over chosen metrics with their directions and ranks it with constraints', () => {
    const results = [1, 4, 16, 64].map((batchSize) => simulateBenchmark({ ...config, batchSize }));
    const rm = toResultMatrix(results, ['tokensPerSecond', 'e2eP95Ms', 'costPerMillionTokens']);
    expect(rm.directions).toEqual(['benefit', 'cost', 'cost']);
    const ranking = rankAlternatives({
      matrix: rm.matrix,
      weights: [0.5, 0.3, 0.2],
      directions: rm.directions,
      criteria: rm.criteria,
      constraints: [{ criterion: 'end-to-end latency p95', atMost: Math.max(...rm.matrix.map((r) => r[1])) - 1 }],
    });
    expect(ranking.feasible.filter(Boolean)).toHaveLength(3);
    expect(ranking.infeasible[0].reasons[0]).toMatch(/^end-to-end latency p95 \d+ > \d+ \(at most\)$/);
  });
});

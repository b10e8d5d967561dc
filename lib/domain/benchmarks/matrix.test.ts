import { describe, expect, it } from 'vitest';
import { findModel, GPU_CATALOG } from './catalog';
import { estimateMemory, formatConfigurationId, type BenchmarkConfiguration } from './configuration';
import { LLAMA_8B_ON_A100 } from './configuration.test-util';
import { checkConfiguration, DEFAULT_SWEEP, expandSweep, orderByPriority, SweepDefinition } from './matrix';

const base = LLAMA_8B_ON_A100;
const codes = (c: Partial<BenchmarkConfiguration>) =>
  checkConfiguration({ ...base, ...c }, findModel(c.model ?? base.model)!).map((e) => e.code);

describe('compatibility rules', () => {
  it('accepts a plain configuration', () => expect(codes({})).toEqual([]));
  it('rejects a weight format the engine lacks', () =>
    expect(codes({ engine: 'vllm', quantization: 'int4' })).toEqual(['engine-quantization']));
  it('rejects FP8 on LMDeploy and on GPUs without FP8', () => {
    expect(codes({ engine: 'lmdeploy', precision: 'fp8', gpuKind: 'h100-80gb' })).toEqual(['engine-precision']);
    expect(codes({ precision: 'fp8', gpuKind: 'a100-80gb' })).toEqual(['gpu-precision']);
    expect(codes({ precision: 'bf16', gpuKind: 't4', quantization: 'awq' })).toEqual(['gpu-precision']);
  });
  it('rejects more GPUs than a node holds', () =>
    expect(codes({ gpuKind: 't4', gpuCount: 8, quantization: 'awq' })).toContain('gpu-count'));
  it('rejects heads that do not split over the GPUs', () =>
    expect(codes({ gpuCount: 3 })).toEqual(['tensor-parallel']));
  it('rejects prompts beyond the context window', () =>
    expect(codes({ model: 'llama-2-13b', sequenceLength: 8192 })).toContain('context-length'));
  it('rejects a model that does not fit and says by how much', () => {
    const reasons = checkConfiguration({ ...base, model: 'llama-3.1-70b' }, findModel('llama-3.1-70b')!);
    expect(reasons.map((r) => r.code)).toEqual(['memory']);
    expect(reasons[0].message).toMatch(
      /needs 1\d\d\.\d GB per GPU \(weights 141\.2, KV cache .*\) but 1 x NVIDIA A100-SXM4-80GB leave 72\.0 GB each/,
    );
  });
  it('lists every failing rule, not just the first', () => {
    expect(codes({ engine: 'lmdeploy', quantization: 'int4', precision: 'fp8', gpuKind: 't4', gpuCount: 8 })).toEqual([
      'engine-quantization',
      'engine-precision',
      'gpu-precision',
      'gpu-count',
    ]);
  });
});

describe('memory estimate', () => {
  it('counts weights, a KV cache from layers x KV heads x head size, and overhead, sharded by GPU count', () => {
    const model = findModel('llama-3.1-8b')!;
    const one = estimateMemory(base, model, GPU_CATALOG['a100-80gb']);
    // 8.03B x 2 bytes; KV: 2 x 32 layers x 8 heads x 128 x 2 bytes = 131,072 bytes per token.
    expect(one.weightsGb).toBeCloseTo(16.06, 2);
    expect(one.kvCacheGb).toBeCloseTo((8 * (2048 + 256) * 131_072) / 1e9, 6);
    const two = estimateMemory({ ...base, gpuCount: 2 }, model, GPU_CATALOG['a100-80gb']);
    expect(two.weightsGb).toBeCloseTo(one.weightsGb / 2, 9);
    expect(two.kvCacheGb).toBeCloseTo(one.kvCacheGb / 2, 9);
  });
});

describe('the default sweep', () => {
  const plan = expandSweep(DEFAULT_SWEEP);

  it('yields 9,000+ valid configurations out of every combination', () => {
    expect(plan.totalCombinations).toBe(8 * 3 * 5 * 1 * 4 * 4 * 6 * 3);
    expect(plan.valid.length).toBe(20_254);
    expect(plan.valid.length + plan.excluded.length).toBe(plan.totalCombinations);
  });

  it('explains every excluded configuration and groups the reasons with counts', () => {
    expect(plan.excluded.every((e) => e.reasons.length > 0)).toBe(true);
    const perCode = new Map<string, number>();
    for (const e of plan.excluded) for (const r of e.reasons) perCode.set(r.code, (perCode.get(r.code) ?? 0) + 1);
    expect(Object.fromEntries(plan.exclusionGroups.map((g) => [g.code, g.count]))).toEqual(Object.fromEntries(perCode));
    expect(plan.exclusionGroups.map((g) => g.code).sort()).toEqual([
      'context-length',
      'engine-quantization',
      'gpu-count',
      'memory',
    ]);
    for (const g of plan.exclusionGroups) expect(g.examples.length).toBeGreaterThan(0);
  });

  it('has unique ids, priorities 0..n-1 and a positive GPU-hour estimate that sums up', () => {
    expect(new Set(plan.valid.map((c) => c.id)).size).toBe(plan.valid.length);
    expect(plan.valid.map((c) => c.priority)).toEqual(plan.valid.map((_, i) => i));
    expect(plan.valid.every((c) => c.estimatedGpuHours > 0)).toBe(true);
    expect(plan.estimatedGpuHours).toBeCloseTo(
      plan.valid.reduce((s, c) => s + c.estimatedGpuHours, 0),
      6,
    );
    expect(plan.estimatedGpuHours).toBeGreaterThan(1_000);
  });

  it('starts with the baseline, then its one-factor neighbours', () => {
    const [first, ...rest] = plan.valid;
    expect(first.id).toBe('llama-3.1-8b/vllm/fp16/fp16/a100-80gbx2/b8/s2048/o256');
    const keys = [
      'model',
      'engine',
      'quantization',
      'precision',
      'gpuKind',
      'gpuCount',
      'batchSize',
      'sequenceLength',
    ] as const;
    const differing = (c: BenchmarkConfiguration) => keys.filter((k) => c[k] !== first[k]).length;
    const neighbours = plan.valid.filter((c) => differing(c) === 1).length;
    expect(rest.slice(0, neighbours).every((c) => differing(c) === 1)).toBe(true);
    // The space-filling part that follows changes many factors at once.
    expect(differing(rest[neighbours])).toBeGreaterThan(4);
  });
});

describe('sweep definition', () => {
  it('rejects unknown models, empty lists and repeated values, naming the field', () => {
    const bad = SweepDefinition.safeParse({ ...DEFAULT_SWEEP, models: ['gpt-5'], batchSizes: [], gpuCounts: [1, 1] });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['models', 'batchSizes', 'gpuCounts']));
  });

  it('orders a small sweep deterministically and completely', () => {
    const def = SweepDefinition.parse({
      ...DEFAULT_SWEEP,
      models: ['phi-3-mini'],
      engines: ['vllm'],
      quantizations: ['fp16', 'awq'],
    });
    const { valid } = expandSweep(def);
    const order = orderByPriority(valid, def);
    expect([...order].sort((a, b) => a - b)).toEqual(valid.map((_, i) => i));
    expect(orderByPriority(valid, def)).toEqual(order);
  });

  it('derives the configuration id from its fields', () => {
    expect(formatConfigurationId(base)).toBe('llama-3.1-8b/vllm/fp16/fp16/a100-80gbx1/b8/s2048/o256');
  });
});

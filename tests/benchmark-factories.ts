// Benchmark results for tests: small, distinct, with the metrics the console ranks by.
import type { BenchmarkResult } from '@/lib/domain/benchmarks/results';

export function makeResult(n: number, overrides: Partial<BenchmarkResult> = {}): BenchmarkResult {
  return {
    configurationId: `test/config-${n}`,
    attempt: 1,
    source: 'import',
    model: 'meta-llama/Llama-2-7b-hf',
    engine: 'vllm',
    quantization: n % 2 ? 'fp16' : 'awq',
    precision: 'fp16',
    gpuKind: 'a100-80gb',
    gpuCount: 1,
    batchSize: 2 ** (n % 6),
    concurrency: null,
    inputTokens: 256,
    outputTokens: 512,
    scenario: 'offline-batch',
    metrics: { tokensPerSecond: 100 + 37 * n, ttftMeanMs: 50 + 11 * ((n * 7) % 13), memoryGb: 14 + (n % 5) },
    ...overrides,
  };
}

export function makeResults(count: number): BenchmarkResult[] {
  return Array.from({ length: count }, (_, i) => makeResult(i + 1));
}

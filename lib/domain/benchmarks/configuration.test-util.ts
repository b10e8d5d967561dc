import type { BenchmarkConfiguration } from './configuration';

/** Llama 3.1 8B served by vLLM at FP16 on one A100: the configuration the benchmark tests vary. */
export const LLAMA_8B_ON_A100: Readonly<BenchmarkConfiguration> = {
  model: 'llama-3.1-8b',
  engine: 'vllm',
  quantization: 'fp16',
  precision: 'fp16',
  gpuKind: 'a100-80gb',
  gpuCount: 1,
  batchSize: 8,
  sequenceLength: 2048,
  outputTokens: 256,
};

// One benchmark configuration (a point of a sweep) and its memory footprint. The id is derived from
// the fields, so the same configuration always has the same id and a re-run collides with itself.
import { z } from 'zod';
import {
  ENGINES,
  GPU_KINDS,
  KV_BYTES,
  PRECISIONS,
  QUANTIZATIONS,
  WEIGHT_BYTES,
  type GpuSpec,
  type ModelSpec,
} from './catalog';

export const BenchmarkConfiguration = z.object({
  model: z.string().min(1),
  engine: z.enum(ENGINES),
  quantization: z.enum(QUANTIZATIONS),
  precision: z.enum(PRECISIONS),
  gpuKind: z.enum(GPU_KINDS),
  gpuCount: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  /** prompt tokens per request */
  sequenceLength: z.number().int().positive(),
  outputTokens: z.number().int().positive(),
});
export type BenchmarkConfiguration = z.infer<typeof BenchmarkConfiguration>;

export function formatConfigurationId(c: BenchmarkConfiguration): string {
  return `${c.model}/${c.engine}/${c.quantization}/${c.precision}/${c.gpuKind}x${c.gpuCount}/b${c.batchSize}/s${c.sequenceLength}/o${c.outputTokens}`;
}

export interface MemoryEstimate {
  weightsGb: number;
  kvCacheGb: number;
  overheadGb: number;
  /** per GPU: weights and KV cache are sharded by tensor parallelism */
  perGpuGb: number;
  /** usable per GPU: engines reserve 10% (vLLM's gpu_memory_utilization = 0.9) */
  usableGb: number;
  fits: boolean;
}

/** Bytes of KV cache per token on one GPU: K and V for every layer; KV heads split across GPUs (at least one each). */
export function measureKvBytesPerToken(model: ModelSpec, precision: keyof typeof KV_BYTES, gpuCount: number): number {
  const kvHeadsPerGpu = Math.ceil(model.kvHeads / gpuCount);
  return 2 * model.layers * kvHeadsPerGpu * model.headDim * KV_BYTES[precision];
}

export function estimateMemory(c: BenchmarkConfiguration, model: ModelSpec, gpu: GpuSpec): MemoryEstimate {
  const weightsGb = (model.paramsB * WEIGHT_BYTES[c.quantization]) / c.gpuCount;
  const tokens = c.batchSize * (c.sequenceLength + c.outputTokens);
  const kvCacheGb = (tokens * measureKvBytesPerToken(model, c.precision, c.gpuCount)) / 1e9;
  // CUDA context and kernels (~1.5 GB) plus prefill activations of one batch (~4 hidden-size fp16 tensors per token).
  const overheadGb = 1.5 + (c.batchSize * c.sequenceLength * model.hidden * 2 * 4) / 1e9 / c.gpuCount;
  const perGpuGb = weightsGb + kvCacheGb + overheadGb;
  const usableGb = gpu.memoryGb * 0.9;
  return { weightsGb, kvCacheGb, overheadGb, perGpuGb, usableGb, fits: perGpuGb <= usableGb };
}

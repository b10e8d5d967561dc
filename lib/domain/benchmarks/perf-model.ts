// A roofline performance model for the simulated cluster: prefill is compute-bound (FLOPs over
// tensor throughput), decode is memory-bandwidth-bound (weights + KV cache read once per step),
// each scaled by an engine efficiency and a tensor-parallel penalty. Good for plausible demo
// numbers and GPU-hour estimates, not for procurement decisions.
import { ENGINE_CATALOG, GPU_CATALOG, QUANT_ACCURACY_DROP, WEIGHT_BYTES, findModel } from './catalog';
import {
  estimateMemory,
  formatConfigurationId,
  measureKvBytesPerToken,
  type BenchmarkConfiguration,
} from './configuration';
import { createRandom, hashString, sampleNormal } from './random';
import type { BenchmarkMetrics, BenchmarkResult } from './results';

export interface PerformanceEstimate {
  ttftMs: number;
  itlMs: number;
  e2eMs: number;
  tokensPerSecond: number;
  requestsPerSecond: number;
  memoryPerGpuGb: number;
  memoryGb: number;
  powerWatts: number;
  costPerMillionTokens: number;
  accuracy: number;
  /** share of a decode step spent waiting on memory rather than compute */
  memoryBoundShare: number;
}

/** Noise-free expected performance of one configuration. */
export function estimatePerformance(c: BenchmarkConfiguration): PerformanceEstimate {
  const model = findModel(c.model);
  if (!model) throw new RangeError(`unknown model ${c.model}`);
  const gpu = GPU_CATALOG[c.gpuKind];
  const engine = ENGINE_CATALOG[c.engine];
  const n = c.gpuCount;
  // Tensor parallelism: all-reduces each layer; PCIe-only cards lose more per doubling.
  const tpEfficiency = 1 / (1 + (n > 1 ? (gpu.nvlink ? 0.06 : 0.18) * Math.log2(n) : 0));
  const commMsPerStep = n > 1 ? model.layers * 2 * (gpu.nvlink ? 0.008 : 0.03) : 0;

  // W8A8 and FP8 run on the faster integer/FP8 tensor cores; 4-bit formats dequantize to FP16.
  const fastMath = c.quantization === 'int8' || (c.precision === 'fp8' && gpu.supportsFp8);
  const peakFlops = (fastMath ? gpu.int8Tops : gpu.fp16Tflops) * 1e12;
  // 4-bit kernels dequantize on the fly: lower tensor throughput and less of peak bandwidth.
  const fourBit = c.quantization !== 'fp16' && c.quantization !== 'int8';
  const flopsRate = n * peakFlops * engine.computeEfficiency * (fourBit ? 0.85 : 1) * tpEfficiency;
  const byteRate = n * gpu.bandwidthGBs * 1e9 * engine.bandwidthEfficiency * (fourBit ? 0.8 : 1) * tpEfficiency;

  const active = model.activeParamsB * 1e9;
  const attnWidth = model.heads * model.headDim;
  const prefillFlops =
    2 * active * c.batchSize * c.sequenceLength + 2 * model.layers * c.batchSize * c.sequenceLength ** 2 * attnWidth;
  const weightBytes = model.paramsB * 1e9 * WEIGHT_BYTES[c.quantization];
  // Mixture of experts: a larger batch touches more experts, up to all of them.
  const expertShare = Math.min(1, (model.activeParamsB / model.paramsB) * (1 + Math.log2(c.batchSize)));
  const ttftMs = Math.max(prefillFlops / flopsRate, weightBytes / byteRate) * 1000 + 2 + commMsPerStep;

  const kvBytes = c.batchSize * (c.sequenceLength + c.outputTokens / 2) * measureKvBytesPerToken(model, c.precision, 1);
  const memorySec = (weightBytes * expertShare + kvBytes) / byteRate;
  const computeSec = (2 * active * c.batchSize) / flopsRate;
  const itlMs = Math.max(memorySec, computeSec) * 1000 + engine.stepOverheadMs + commMsPerStep;
  const e2eMs = ttftMs + (c.outputTokens - 1) * itlMs;

  const tokensPerSecond = (c.batchSize * c.outputTokens) / (e2eMs / 1000);
  const requestsPerSecond = c.batchSize / (e2eMs / 1000);
  const memory = estimateMemory(c, model, gpu);
  const memoryBoundShare = memorySec / (memorySec + computeSec);
  const utilization = Math.min(1, 0.45 + 0.5 * (1 - memoryBoundShare) + (0.05 * Math.log2(c.batchSize)) / 6);
  const powerWatts = n * (gpu.idleWatts + (gpu.tdpWatts - gpu.idleWatts) * utilization);
  const costPerMillionTokens = ((gpu.pricePerHour * n) / 3600 / tokensPerSecond) * 1e6;
  const accuracy = model.mmlu - QUANT_ACCURACY_DROP[c.quantization] - (c.precision === 'fp8' ? 0.002 : 0);
  return {
    ttftMs,
    itlMs,
    e2eMs,
    tokensPerSecond,
    requestsPerSecond,
    memoryPerGpuGb: memory.perGpuGb,
    memoryGb: memory.perGpuGb * n,
    powerWatts,
    costPerMillionTokens,
    accuracy,
    memoryBoundShare,
  };
}

/** p50/p95/p99 around a mean: a lognormal-ish body and a tail that grows with batch size (queueing). */
function spread(mean: number, tail: number, random: () => number): { p50: number; p95: number; p99: number } {
  const p50 = mean * Math.exp(0.03 * sampleNormal(random));
  const jitter = 1 + 0.15 * random();
  return { p50, p95: p50 * (1 + tail * jitter), p99: p50 * (1 + 2.2 * tail * jitter) };
}

export interface SimulationOptions {
  seed?: number;
  attempt?: number;
}

/**
 * One simulated benchmark run. Deterministic in (configuration, seed, attempt): a retried attempt
 * gets different noise, a replayed one the same result.
 */
export function simulateBenchmark(c: BenchmarkConfiguration, options: SimulationOptions = {}): BenchmarkResult {
  const attempt = options.attempt ?? 1;
  const configurationId = formatConfigurationId(c);
  const random = createRandom(hashString(`${configurationId}#${attempt}#${options.seed ?? 0}`));
  const e = estimatePerformance(c);
  const tail = 0.06 + 0.025 * Math.log2(c.batchSize);
  const ttft = spread(e.ttftMs, tail * 2, random);
  const itl = spread(e.itlMs, tail, random);
  const e2e = spread(e.e2eMs, tail, random);
  const speed = e.e2eMs / e2e.p50;
  const metrics: BenchmarkMetrics = {
    ttftMeanMs: e.ttftMs,
    ttftP50Ms: ttft.p50,
    ttftP95Ms: ttft.p95,
    ttftP99Ms: ttft.p99,
    itlMeanMs: e.itlMs,
    itlP50Ms: itl.p50,
    itlP95Ms: itl.p95,
    itlP99Ms: itl.p99,
    e2eMeanMs: e.e2eMs,
    e2eP50Ms: e2e.p50,
    e2eP95Ms: e2e.p95,
    e2eP99Ms: e2e.p99,
    tokensPerSecond: e.tokensPerSecond * speed,
    requestsPerSecond: e.requestsPerSecond * speed,
    memoryGb: e.memoryGb,
    memoryPerGpuGb: e.memoryPerGpuGb,
    accuracy: e.accuracy,
    powerWatts: e.powerWatts * (1 + 0.02 * sampleNormal(random)),
    costPerMillionTokens: e.costPerMillionTokens / speed,
  };
  return {
    configurationId,
    attempt,
    source: 'simulated',
    model: c.model,
    engine: c.engine,
    quantization: c.quantization,
    precision: c.precision,
    gpuKind: c.gpuKind,
    gpuCount: c.gpuCount,
    batchSize: c.batchSize,
    concurrency: null,
    inputTokens: c.sequenceLength,
    outputTokens: c.outputTokens,
    scenario: 'offline-batch',
    metrics,
  };
}

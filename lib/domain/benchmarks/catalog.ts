// The model, GPU, engine and quantization catalogues behind sweeps and the performance model, as
// data. Figures are the vendors' published specs (model cards' config.json; NVIDIA datasheets,
// dense tensor-core FLOPS without sparsity); prices are typical on-demand cloud rates per GPU-hour
// in 2024 and MMLU scores the model cards' 5-shot numbers, both approximate and for ranking demos.

export const GPU_KINDS = ['t4', 'a100-80gb', 'h100-80gb', 'h200-141gb', 'l40s'] as const;
export type GpuKindId = (typeof GPU_KINDS)[number];

export interface GpuSpec {
  id: GpuKindId;
  label: string;
  memoryGb: number;
  bandwidthGBs: number;
  /** dense FP16/BF16 tensor TFLOPS */
  fp16Tflops: number;
  /** dense INT8 tensor TOPS */
  int8Tops: number;
  supportsBf16: boolean;
  supportsFp8: boolean;
  /** NVLink between GPUs of a node; PCIe-only cards pay more for tensor parallelism */
  nvlink: boolean;
  maxPerNode: number;
  tdpWatts: number;
  idleWatts: number;
  pricePerHour: number;
}

const H100: GpuSpec = {
  id: 'h100-80gb',
  label: 'NVIDIA H100-SXM5-80GB',
  memoryGb: 80,
  bandwidthGBs: 3350,
  fp16Tflops: 989,
  int8Tops: 1979,
  supportsBf16: true,
  supportsFp8: true,
  nvlink: true,
  maxPerNode: 8,
  tdpWatts: 700,
  idleWatts: 70,
  pricePerHour: 3.0,
};

export const GPU_CATALOG: Record<GpuKindId, GpuSpec> = {
  t4: {
    id: 't4',
    label: 'NVIDIA T4 16GB',
    memoryGb: 16,
    bandwidthGBs: 320,
    fp16Tflops: 65,
    int8Tops: 130,
    supportsBf16: false,
    supportsFp8: false,
    nvlink: false,
    maxPerNode: 4,
    tdpWatts: 70,
    idleWatts: 10,
    pricePerHour: 0.35,
  },
  'a100-80gb': {
    id: 'a100-80gb',
    label: 'NVIDIA A100-SXM4-80GB',
    memoryGb: 80,
    bandwidthGBs: 2039,
    fp16Tflops: 312,
    int8Tops: 624,
    supportsBf16: true,
    supportsFp8: false,
    nvlink: true,
    maxPerNode: 8,
    tdpWatts: 400,
    idleWatts: 50,
    pricePerHour: 1.8,
  },
  'h100-80gb': H100,
  // The H100's GH100 chip (compute, NVLink, power) with more and faster HBM3e.
  'h200-141gb': {
    ...H100,
    id: 'h200-141gb',
    label: 'NVIDIA H200-SXM-141GB',
    memoryGb: 141,
    bandwidthGBs: 4800,
    idleWatts: 75,
    pricePerHour: 3.8,
  },
  l40s: {
    id: 'l40s',
    label: 'NVIDIA L40S 48GB',
    memoryGb: 48,
    bandwidthGBs: 864,
    fp16Tflops: 362,
    int8Tops: 733,
    supportsBf16: true,
    supportsFp8: true,
    nvlink: false,
    maxPerNode: 8,
    tdpWatts: 350,
    idleWatts: 35,
    pricePerHour: 1.1,
  },
};

export interface ModelSpec {
  id: string;
  label: string;
  /** total parameters, billions */
  paramsB: number;
  /** parameters used per token (differs for mixture-of-experts), billions */
  activeParamsB: number;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  maxContext: number;
  /** MMLU 5-shot, 0..1 */
  mmlu: number;
}

const model = (m: Omit<ModelSpec, 'activeParamsB' | 'headDim'> & Partial<ModelSpec>): ModelSpec => ({
  activeParamsB: m.paramsB,
  headDim: m.hidden / m.heads,
  ...m,
});

export const MODEL_CATALOG: ModelSpec[] = [
  model({
    id: 'phi-3-mini',
    label: 'Phi-3-mini-4k',
    paramsB: 3.82,
    layers: 32,
    hidden: 3072,
    heads: 32,
    kvHeads: 32,
    maxContext: 4096,
    mmlu: 0.688,
  }),
  model({
    id: 'llama-2-7b',
    label: 'Llama-2-7b',
    paramsB: 6.74,
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 32,
    maxContext: 4096,
    mmlu: 0.453,
  }),
  model({
    id: 'mistral-7b',
    label: 'Mistral-7B-v0.1',
    paramsB: 7.24,
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 8,
    maxContext: 32768,
    mmlu: 0.625,
  }),
  model({
    id: 'llama-3.1-8b',
    label: 'Llama-3.1-8B',
    paramsB: 8.03,
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 8,
    maxContext: 131072,
    mmlu: 0.666,
  }),
  model({
    id: 'gemma-2-9b',
    label: 'Gemma-2-9b',
    paramsB: 9.24,
    layers: 42,
    hidden: 3584,
    heads: 16,
    kvHeads: 8,
    headDim: 256,
    maxContext: 8192,
    mmlu: 0.713,
  }),
  model({
    id: 'llama-2-13b',
    label: 'Llama-2-13b',
    paramsB: 13.0,
    layers: 40,
    hidden: 5120,
    heads: 40,
    kvHeads: 40,
    maxContext: 4096,
    mmlu: 0.548,
  }),
  model({
    id: 'qwen2.5-32b',
    label: 'Qwen2.5-32B',
    paramsB: 32.8,
    layers: 64,
    hidden: 5120,
    heads: 40,
    kvHeads: 8,
    maxContext: 32768,
    mmlu: 0.833,
  }),
  model({
    id: 'mixtral-8x7b',
    label: 'Mixtral-8x7B',
    paramsB: 46.7,
    activeParamsB: 12.9,
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 8,
    maxContext: 32768,
    mmlu: 0.706,
  }),
  model({
    id: 'llama-2-65b',
    label: 'LLaMA-65B',
    paramsB: 65.2,
    layers: 80,
    hidden: 8192,
    heads: 64,
    kvHeads: 64,
    maxContext: 2048,
    mmlu: 0.634,
  }),
  model({
    id: 'llama-2-70b',
    label: 'Llama-2-70b',
    paramsB: 69.0,
    layers: 80,
    hidden: 8192,
    heads: 64,
    kvHeads: 8,
    maxContext: 4096,
    mmlu: 0.689,
  }),
  model({
    id: 'llama-3.1-70b',
    label: 'Llama-3.1-70B',
    paramsB: 70.6,
    layers: 80,
    hidden: 8192,
    heads: 64,
    kvHeads: 8,
    maxContext: 131072,
    mmlu: 0.793,
  }),
];

export function findModel(id: string): ModelSpec | null {
  return MODEL_CATALOG.find((m) => m.id === id) ?? null;
}

export const ENGINES = ['vllm', 'tgi', 'lmdeploy'] as const;
export type Engine = (typeof ENGINES)[number];

export const QUANTIZATIONS = ['fp16', 'int8', 'int4', 'awq', 'gptq'] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** Activation and KV-cache precision. */
export const PRECISIONS = ['fp16', 'bf16', 'fp8'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Bytes per weight, including group-wise scales for the 4-bit formats (group size 128). */
export const WEIGHT_BYTES: Record<Quantization, number> = { fp16: 2, int8: 1, int4: 0.5625, awq: 0.5625, gptq: 0.5625 };
export const KV_BYTES: Record<Precision, number> = { fp16: 2, bf16: 2, fp8: 1 };
/** Quality lost to the weight format, MMLU points (0..1 scale); published deltas are 0-2 points. */
export const QUANT_ACCURACY_DROP: Record<Quantization, number> = {
  fp16: 0,
  int8: 0.003,
  int4: 0.02,
  awq: 0.008,
  gptq: 0.012,
};

export interface EngineSpec {
  id: Engine;
  label: string;
  quantizations: readonly Quantization[];
  precisions: readonly Precision[];
  /** share of peak bandwidth reached while decoding, and of peak FLOPS while prefilling */
  bandwidthEfficiency: number;
  computeEfficiency: number;
  /** scheduler/sampling time per decode step, ms */
  stepOverheadMs: number;
}

// Support as documented by each engine for NVIDIA GPUs (mid-2024): vLLM and LMDeploy have no
// bitsandbytes-style generic INT4; LMDeploy's TurboMind has no FP8 KV cache.
export const ENGINE_CATALOG: Record<Engine, EngineSpec> = {
  vllm: {
    id: 'vllm',
    label: 'vLLM',
    quantizations: ['fp16', 'int8', 'awq', 'gptq'],
    precisions: ['fp16', 'bf16', 'fp8'],
    bandwidthEfficiency: 0.75,
    computeEfficiency: 0.55,
    stepOverheadMs: 0.6,
  },
  tgi: {
    id: 'tgi',
    label: 'Text Generation Inference',
    quantizations: ['fp16', 'int8', 'int4', 'awq', 'gptq'],
    precisions: ['fp16', 'bf16', 'fp8'],
    bandwidthEfficiency: 0.7,
    computeEfficiency: 0.5,
    stepOverheadMs: 0.9,
  },
  lmdeploy: {
    id: 'lmdeploy',
    label: 'LMDeploy (TurboMind)',
    quantizations: ['fp16', 'int8', 'awq', 'gptq'],
    precisions: ['fp16', 'bf16'],
    bandwidthEfficiency: 0.8,
    computeEfficiency: 0.6,
    stepOverheadMs: 0.4,
  },
};

// How long an embedding run takes and what it costs, from a throughput model per GPU kind that
// states the sequence length it holds for. The common "about 3,000 embeddings per minute per T4"
// is for all-mpnet-base-v2 on long, 384-token chunks; short texts run 10-30x faster, so a
// figure without its sequence length misleads by an order of magnitude.

export interface GpuThroughput {
  embeddingsPerMinute: number;
  /** The sequence length (tokens per text) the figure was measured or derived at. */
  seqLength: number;
  model: string;
  /** Where the number comes from: measured, or derived (and from what). */
  basis: string;
}

const REFERENCE_MODEL = 'sentence-transformers/all-mpnet-base-v2';
const T4_PER_MINUTE = 3_000;

/**
 * Reference figures at 384 tokens. Only T4 is the commonly quoted number; the others scale it by
 * relative dense FP16 tensor throughput and are estimates until a benchmark replaces them
 * (pass measured numbers as `table`). MIG slices get their share of an A100's compute slices (of 7).
 */
function derive(kind: string, factor: number): GpuThroughput {
  return {
    embeddingsPerMinute: Math.round(T4_PER_MINUTE * factor),
    seqLength: 384,
    model: REFERENCE_MODEL,
    basis: kind === 'T4' ? 'commonly quoted T4 figure for 384-token chunks' : `T4 figure x${factor} (estimate)`,
  };
}

export const EMBEDDING_THROUGHPUT: Readonly<Record<string, GpuThroughput>> = {
  T4: derive('T4', 1),
  L4: derive('L4', 2),
  A10G: derive('A10G', 2.5),
  'A100-40GB': derive('A100-40GB', 6),
  'A100-80GB': derive('A100-80GB', 6),
  H100: derive('H100', 12),
  'mig-1g.10gb': derive('mig-1g.10gb', 6 / 7),
  'mig-2g.20gb': derive('mig-2g.20gb', (6 * 2) / 7),
  'mig-3g.40gb': derive('mig-3g.40gb', (6 * 3) / 7),
};

/**
 * Illustrative on-demand prices in USD per GPU-hour; a deployment passes its own. Kept here only
 * so the form shows a number before anyone configures prices.
 */
const DEFAULT_GPU_HOURLY_USD: Readonly<Record<string, number>> = {
  T4: 0.35,
  L4: 0.8,
  A10G: 1.0,
  'A100-40GB': 3.0,
  'A100-80GB': 4.0,
  H100: 8.0,
  'mig-1g.10gb': 4.0 / 7,
  'mig-2g.20gb': (4.0 * 2) / 7,
  'mig-3g.40gb': (4.0 * 3) / 7,
};

// BERT-base-sized encoders: per token, the dense layers cost ~24*h^2 FLOPs per layer and attention
// ~4*seq*h, so attention matches the dense part near seq = 6*h (h = 768).
const ATTENTION_CROSSOVER_TOKENS = 6 * 768;
// Below a few dozen tokens, tokenization and per-batch overhead dominate: speedups flatten out.
export const MAX_SHORT_TEXT_SPEEDUP = 30;

function costPerText(seqLength: number): number {
  return seqLength * (1 + seqLength / ATTENTION_CROSSOVER_TOKENS);
}

/** Embeddings per minute per GPU at a given sequence length, scaled from the stated figure. */
export function scaleThroughput(reference: GpuThroughput, seqLength: number): number {
  const speedup = Math.min(MAX_SHORT_TEXT_SPEEDUP, costPerText(reference.seqLength) / costPerText(seqLength));
  return reference.embeddingsPerMinute * speedup;
}

export interface EmbeddingRunInput {
  documents: number;
  seqLength: number;
  gpuKind: string;
  gpus: number;
  chunkSize: number;
  /** Image start and model load for each chunk's pod. */
  podStartupSeconds?: number;
  /** prepare-data plus merge-results, which do not scale with GPUs. */
  fixedSeconds?: number;
  /** Time-sliced pools put 2-4 replicas on one GPU; a busy replica gets 1/replicas of it. */
  replicasPerGpu?: number;
  pricePerGpuHour?: number;
  table?: Readonly<Record<string, GpuThroughput>>;
}

export interface EmbeddingRunEstimate {
  gpuKind: string;
  gpus: number;
  embeddingsPerMinutePerGpu: number;
  /** The model's own figure and the length it holds for, to show next to the estimate. */
  reference: GpuThroughput;
  chunks: number;
  durationSeconds: number;
  gpuHours: number;
  costUsd: number | null;
}

const DEFAULT_POD_STARTUP_SECONDS = 30;
const DEFAULT_FIXED_SECONDS = 600;

function findThroughput(gpuKind: string, table = EMBEDDING_THROUGHPUT): GpuThroughput {
  const reference = table[gpuKind];
  if (!reference) throw new Error(`no embedding throughput figure for GPU kind "${gpuKind}"`);
  return reference;
}

export function estimateEmbeddingRun(input: EmbeddingRunInput): EmbeddingRunEstimate {
  if (input.gpus < 1) throw new Error('gpus must be at least 1');
  const reference = findThroughput(input.gpuKind, input.table);
  const perGpu = scaleThroughput(reference, input.seqLength) / (input.replicasPerGpu ?? 1);
  const startup = input.podStartupSeconds ?? DEFAULT_POD_STARTUP_SECONDS;
  const fixed = input.fixedSeconds ?? DEFAULT_FIXED_SECONDS;
  const chunks = Math.ceil(input.documents / input.chunkSize);
  // GPUs beyond the chunk count sit idle: a chunk is the unit of work.
  const busy = Math.min(input.gpus, chunks);
  const computeGpuSeconds = (input.documents / perGpu) * 60;
  const waves = Math.ceil(chunks / busy);
  const durationSeconds = fixed + computeGpuSeconds / busy + waves * startup;
  const gpuHours = (computeGpuSeconds + chunks * startup) / 3600;
  const price = input.pricePerGpuHour ?? DEFAULT_GPU_HOURLY_USD[input.gpuKind];
  return {
    gpuKind: input.gpuKind,
    gpus: input.gpus,
    embeddingsPerMinutePerGpu: perGpu,
    reference,
    chunks,
    durationSeconds,
    gpuHours,
    costUsd: price === undefined ? null : gpuHours * price,
  };
}

/**
 * The fewest GPUs that finish by the deadline (e.g. 100M documents in 24 hours), or null when no
 * number does: the fixed steps alone overrun it, or it needs more GPUs than there are chunks.
 */
export function countGpusForDeadline(
  input: Omit<EmbeddingRunInput, 'gpus'> & { deadlineSeconds: number; maxGpus?: number },
): number | null {
  const chunks = Math.ceil(input.documents / input.chunkSize);
  const limit = Math.min(chunks, input.maxGpus ?? chunks);
  const fits = (gpus: number) => estimateEmbeddingRun({ ...input, gpus }).durationSeconds <= input.deadlineSeconds;
  if (!fits(limit)) return null;
  let low = 1;
  let high = limit;
  // Duration falls as GPUs rise, so the smallest fitting count is found by bisection.
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

// A benchmark result, whether simulated, posted back by a sweep step or imported from a published
// table. Metrics are flat optional numbers in fixed units so any subset can become ranking
// criteria; METRICS says which direction is better for each.
import { z } from 'zod';

export const METRICS = {
  ttftMeanMs: { label: 'TTFT mean', unit: 'ms', direction: 'cost' },
  ttftP50Ms: { label: 'TTFT p50', unit: 'ms', direction: 'cost' },
  ttftP90Ms: { label: 'TTFT p90', unit: 'ms', direction: 'cost' },
  ttftP95Ms: { label: 'TTFT p95', unit: 'ms', direction: 'cost' },
  ttftP99Ms: { label: 'TTFT p99', unit: 'ms', direction: 'cost' },
  itlMeanMs: { label: 'inter-token latency mean', unit: 'ms', direction: 'cost' },
  itlP50Ms: { label: 'inter-token latency p50', unit: 'ms', direction: 'cost' },
  itlP95Ms: { label: 'inter-token latency p95', unit: 'ms', direction: 'cost' },
  itlP99Ms: { label: 'inter-token latency p99', unit: 'ms', direction: 'cost' },
  e2eMeanMs: { label: 'end-to-end latency mean', unit: 'ms', direction: 'cost' },
  e2eP50Ms: { label: 'end-to-end latency p50', unit: 'ms', direction: 'cost' },
  e2eP90Ms: { label: 'end-to-end latency p90', unit: 'ms', direction: 'cost' },
  e2eP95Ms: { label: 'end-to-end latency p95', unit: 'ms', direction: 'cost' },
  e2eP99Ms: { label: 'end-to-end latency p99', unit: 'ms', direction: 'cost' },
  tokensPerSecond: { label: 'throughput', unit: 'tokens/s', direction: 'benefit' },
  requestsPerSecond: { label: 'request rate', unit: 'requests/s', direction: 'benefit' },
  memoryGb: { label: 'memory (all GPUs)', unit: 'GB', direction: 'cost' },
  memoryPerGpuGb: { label: 'memory per GPU', unit: 'GB', direction: 'cost' },
  accuracy: { label: 'accuracy', unit: 'fraction', direction: 'benefit' },
  powerWatts: { label: 'power', unit: 'W', direction: 'cost' },
  costPerMillionTokens: { label: 'cost', unit: 'USD per 1M output tokens', direction: 'cost' },
} as const satisfies Record<string, { label: string; unit: string; direction: 'benefit' | 'cost' }>;

export type MetricKey = keyof typeof METRICS;
export const METRIC_KEYS = Object.keys(METRICS) as MetricKey[];

const metricValue = z.number().nonnegative();
export const BenchmarkMetrics = z
  .object(
    Object.fromEntries(METRIC_KEYS.map((k) => [k, metricValue.optional()])) as Record<
      MetricKey,
      z.ZodOptional<typeof metricValue>
    >,
  )
  .strict()
  .refine((m) => Object.values(m).some((v) => v !== undefined), { message: 'give at least one metric' })
  .refine((m) => m.accuracy === undefined || m.accuracy <= 1, {
    message: 'accuracy is a fraction in [0, 1]',
    path: ['accuracy'],
  });
export type BenchmarkMetrics = z.infer<typeof BenchmarkMetrics>;

const positiveInt = z.number().int().positive();

export const BenchmarkResult = z.object({
  /** stable id of what was measured; with attempt, the idempotency key */
  configurationId: z.string().min(1),
  attempt: positiveInt,
  /** 'simulated', 'mlperf-inference-v4.1', 'optimum-benchmark', 'llmperf', 'import' ... */
  source: z.string().min(1),
  model: z.string().min(1),
  engine: z.string().min(1).nullable(),
  quantization: z.string().min(1).nullable(),
  precision: z.string().min(1).nullable(),
  /** a catalogue id (a100-80gb ...) when recognised, otherwise the name as published */
  gpuKind: z.string().min(1).nullable(),
  gpuCount: positiveInt.nullable(),
  batchSize: positiveInt.nullable(),
  concurrency: positiveInt.nullable(),
  inputTokens: z.number().positive().nullable(),
  outputTokens: z.number().positive().nullable(),
  /** e.g. MLPerf's Offline/Server, or 'offline-batch' for the simulator */
  scenario: z.string().min(1).nullable(),
  metrics: BenchmarkMetrics,
});
export type BenchmarkResult = z.infer<typeof BenchmarkResult>;

function formatResultKey(r: Pick<BenchmarkResult, 'configurationId' | 'attempt'>): string {
  return `${r.configurationId}#${r.attempt}`;
}

export interface MergeOutcome {
  results: BenchmarkResult[];
  inserted: number;
  /** same key, same content: a replayed post, ignored */
  unchanged: number;
  /** same key, different content: kept the first, reported */
  conflicts: { key: string }[];
}

/**
 * Adds results keyed by (configuration, attempt). Posting the same result twice changes nothing;
 * a different result under an existing key is a conflict, never a silent overwrite.
 */
export function mergeResults(existing: readonly BenchmarkResult[], incoming: readonly BenchmarkResult[]): MergeOutcome {
  const byKey = new Map(existing.map((r) => [formatResultKey(r), r]));
  const out: MergeOutcome = { results: [...existing], inserted: 0, unchanged: 0, conflicts: [] };
  for (const r of incoming) {
    const key = formatResultKey(r);
    const prior = byKey.get(key);
    if (!prior) {
      byKey.set(key, r);
      out.results.push(r);
      out.inserted++;
    } else if (JSON.stringify(canonicalize(prior)) === JSON.stringify(canonicalize(r))) {
      out.unchanged++;
    } else {
      out.conflicts.push({ key });
    }
  }
  return out;
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonicalize(v)]),
    );
  }
  return value;
}

export interface ResultMatrix {
  matrix: number[][];
  directions: ('benefit' | 'cost')[];
  /** results[rows[i]] is matrix row i; results missing a chosen metric are left out */
  rows: number[];
  criteria: string[];
}

/** Turns results into a ranking matrix over the chosen metrics. */
export function toResultMatrix(results: readonly BenchmarkResult[], metrics: readonly MetricKey[]): ResultMatrix {
  const out: ResultMatrix = {
    matrix: [],
    directions: metrics.map((k) => METRICS[k].direction),
    rows: [],
    criteria: metrics.map((k) => METRICS[k].label),
  };
  results.forEach((r, i) => {
    const row = metrics.map((k) => r.metrics[k]);
    if (row.every((v): v is number => v !== undefined)) {
      out.matrix.push(row);
      out.rows.push(i);
    }
  });
  return out;
}

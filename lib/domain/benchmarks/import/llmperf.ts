// Ray LLMPerf (ray-project/llmperf-leaderboard raw_data): one summary JSON per provider x model,
// per-request records in individual/, and the flattened summary_flat.csv derived from the
// summaries. Providers are hosted APIs, so the engine is the provider and the GPU is unknown.
import { z } from 'zod';
import { BenchmarkResult } from '../results';
import { compactMetrics, parseCsvRecords, readNumber, readPositiveInt, sToMs } from './fields';

const LLMPERF_SOURCE = 'llmperf';

type Flat = Record<string, unknown>;

function toResult(s: Flat): BenchmarkResult {
  const q = (metric: string, stat: string) => readNumber(s[`results_${metric}_${stat}`]);
  const ms = (metric: string, stat: string) => sToMs(q(metric, stat));
  const perMinute = readNumber(s.results_num_completed_requests_per_min);
  const metrics = compactMetrics({
    ttftMeanMs: ms('ttft_s', 'mean'),
    ttftP50Ms: ms('ttft_s', 'quantiles_p50'),
    ttftP90Ms: ms('ttft_s', 'quantiles_p90'),
    ttftP95Ms: ms('ttft_s', 'quantiles_p95'),
    ttftP99Ms: ms('ttft_s', 'quantiles_p99'),
    itlMeanMs: ms('inter_token_latency_s', 'mean'),
    itlP50Ms: ms('inter_token_latency_s', 'quantiles_p50'),
    itlP95Ms: ms('inter_token_latency_s', 'quantiles_p95'),
    itlP99Ms: ms('inter_token_latency_s', 'quantiles_p99'),
    e2eMeanMs: ms('end_to_end_latency_s', 'mean'),
    e2eP50Ms: ms('end_to_end_latency_s', 'quantiles_p50'),
    e2eP90Ms: ms('end_to_end_latency_s', 'quantiles_p90'),
    e2eP95Ms: ms('end_to_end_latency_s', 'quantiles_p95'),
    e2eP99Ms: ms('end_to_end_latency_s', 'quantiles_p99'),
    tokensPerSecond: readNumber(s.results_mean_output_throughput_token_per_s),
    requestsPerSecond: perMinute === undefined ? undefined : perMinute / 60,
  });
  const framework = String(s.framework ?? 'unknown');
  return BenchmarkResult.parse({
    configurationId: `llmperf:${framework}/${String(s.name)}`,
    attempt: 1,
    source: LLMPERF_SOURCE,
    model: String(s.model),
    engine: framework,
    quantization: null,
    precision: null,
    gpuKind: null,
    gpuCount: null,
    batchSize: null,
    concurrency: readPositiveInt(s.num_concurrent_requests),
    inputTokens: readNumber(s.mean_input_tokens) ?? null,
    outputTokens: readNumber(s.mean_output_tokens) ?? null,
    scenario: 'online',
    metrics,
  });
}

/** One raw_data/summary/*.json file. */
export function importLlmperfSummaryJson(text: string): BenchmarkResult {
  return toResult(JSON.parse(text) as Flat);
}

/** summary_flat.csv: the same summaries with selected keys, one per row. */
export function importLlmperfSummaryCsv(text: string): BenchmarkResult[] {
  return parseCsvRecords(text).map(toResult);
}

export const LlmperfRequest = z.object({
  error_code: z.union([z.number(), z.string()]).nullable(),
  error_msg: z.string().nullable().optional(),
  inter_token_latency_s: z.number(),
  ttft_s: z.number(),
  end_to_end_latency_s: z.number(),
  request_output_throughput_token_per_s: z.number(),
  number_total_tokens: z.number(),
  number_output_tokens: z.number(),
  number_input_tokens: z.number(),
});
export type LlmperfRequest = z.infer<typeof LlmperfRequest>;

/** One raw_data/individual/*.json file: the per-request records. */
export function importLlmperfRequestsJson(text: string): LlmperfRequest[] {
  return z.array(LlmperfRequest).parse(JSON.parse(text));
}

/** numpy's default (linear) quantile, which LLMPerf's summaries use. */
function computeQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface RequestSummary {
  count: number;
  ttftS: { p50: number; p90: number; p95: number; p99: number; mean: number };
  interTokenLatencyS: { p50: number; p90: number; p95: number; p99: number; mean: number };
  endToEndLatencyS: { p50: number; p90: number; p95: number; p99: number; mean: number };
}

/** Percentiles over successful requests, so a sweep step can post results from raw records. */
export function summarizeLlmperfRequests(records: readonly LlmperfRequest[]): RequestSummary {
  const ok = records.filter((r) => r.error_code === null || r.error_code === undefined);
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      p50: computeQuantile(sorted, 0.5),
      p90: computeQuantile(sorted, 0.9),
      p95: computeQuantile(sorted, 0.95),
      p99: computeQuantile(sorted, 0.99),
      mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    };
  };
  return {
    count: ok.length,
    ttftS: stats(ok.map((r) => r.ttft_s)),
    interTokenLatencyS: stats(ok.map((r) => r.inter_token_latency_s)),
    endToEndLatencyS: stats(ok.map((r) => r.end_to_end_latency_s)),
  };
}

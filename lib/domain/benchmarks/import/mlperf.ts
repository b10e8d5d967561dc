// MLPerf Inference results table (one row per performance run, as derived in
// ../shared/reference/benchmarks/mlperf-inference-v4.1 from mlcommons/inference_results_v4.1).
// Offline rows measure throughput only (their "latency" is the whole run); Server rows add TTFT and
// time-per-output-token percentiles; SingleStream/MultiStream rows add per-query latency.
import { BenchmarkResult } from '../results';
import { compactMetrics, matchGpuKind, nsToMs, parseCsvRecords, readNumber, readPositiveInt } from './fields';

const MLPERF_SOURCE = 'mlperf-inference-v4.1';

export function importMlperfResultsCsv(text: string): BenchmarkResult[] {
  return parseCsvRecords(text).map((r, i) => {
    const scenario = r.scenario || r.scenario_dir;
    const perNode = readPositiveInt(r.accelerators_per_node);
    const nodes = readPositiveInt(r.number_of_nodes) ?? 1;
    const offline = scenario === 'Offline';
    const metrics = compactMetrics({
      tokensPerSecond:
        readNumber(r.tokens_per_second) ??
        readNumber(r.tokens_per_second_inferred) ??
        readNumber(r.completed_tokens_per_second) ??
        readNumber(r.completed_tokens_per_second_inferred),
      requestsPerSecond: readNumber(r.samples_per_second) ?? readNumber(r.completed_samples_per_second),
      ttftMeanMs: nsToMs(readNumber(r.mean_first_token_latency_ns)),
      ttftP99Ms: nsToMs(readNumber(r.p99_first_token_latency_ns)),
      itlMeanMs: nsToMs(readNumber(r.mean_time_to_output_token_ns)),
      itlP99Ms: nsToMs(readNumber(r.p99_time_to_output_token_ns)),
      e2eMeanMs: offline ? undefined : nsToMs(readNumber(r.mean_latency_ns)),
      e2eP90Ms: offline ? undefined : nsToMs(readNumber(r.p90_latency_ns_result) ?? readNumber(r.p90_latency_ns)),
      e2eP99Ms: offline ? undefined : nsToMs(readNumber(r.p99_latency_ns_result) ?? readNumber(r.p99_latency_ns)),
    });
    const accelerator = r.accelerator_model_name;
    return BenchmarkResult.parse({
      // The run's directory is unique per submission and scenario: re-importing the table collides.
      configurationId: `mlperf-v4.1:${(r.source_path || `row-${i + 1}`).replace(/\/performance\/run_1\/mlperf_log_summary\.txt$/, '')}`,
      attempt: 1,
      source: MLPERF_SOURCE,
      model: r.benchmark,
      engine: r.framework || null,
      quantization: r.weight_data_types || null,
      precision: r.input_data_types || null,
      gpuKind: accelerator && accelerator !== 'N/A' ? (matchGpuKind(accelerator) ?? accelerator) : null,
      gpuCount: perNode === null ? null : perNode * nodes,
      batchSize: null,
      concurrency: null,
      inputTokens: null,
      outputTokens: null,
      scenario: scenario || null,
      metrics,
    });
  });
}

import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeWithReference, readReference, referencePath } from '@/lib/testing/reference';
import { importResultsCsv, formatResultsCsv } from './generic';
import {
  importLlmperfRequestsJson,
  importLlmperfSummaryCsv,
  importLlmperfSummaryJson,
  summarizeLlmperfRequests,
} from './llmperf';
import { importMlperfResultsCsv } from './mlperf';
import { importOptimumBenchmarkCsv } from './optimum';

const ids = (rows: { configurationId: string; attempt: number }[]) =>
  new Set(rows.map((r) => `${r.configurationId}#${r.attempt}`)).size;

describeWithReference('import of the MLPerf Inference v4.1 tables', () => {
  const llm = importMlperfResultsCsv(
    readReference('benchmarks/mlperf-inference-v4.1/mlperf_inference_v4.1_llm_results.csv'),
  );
  const all = importMlperfResultsCsv(
    readReference('benchmarks/mlperf-inference-v4.1/mlperf_inference_v4.1_all_results.csv'),
  );

  it('imports every row with a unique key (337 LLM rows, 2240 in all)', () => {
    expect(llm).toHaveLength(337);
    expect(all).toHaveLength(2240);
    expect(ids(llm)).toBe(337);
    expect(ids(all)).toBe(2240);
  });

  it('reads the ASUSTeK 4xH100-NVL gptj Offline row as published', () => {
    const r = llm.find(
      (x) => x.configurationId === 'mlperf-v4.1:closed/ASUSTeK/results/ESC4000A_E12_4XH100_TRT/gptj-99/Offline',
    )!;
    expect(r).toMatchObject({
      model: 'gptj-99',
      gpuKind: 'NVIDIA H100-NVL-94GB',
      gpuCount: 4,
      scenario: 'Offline',
      quantization: 'fp16',
    });
    expect(r.metrics).toEqual({ tokensPerSecond: 6985.51, requestsPerSecond: 101.239 });
  });

  it('converts Server latencies from ns to ms and maps catalogue GPUs', () => {
    const server = llm.filter((r) => r.scenario === 'Server' && r.metrics.ttftP99Ms !== undefined);
    expect(server.length).toBeGreaterThan(50);
    for (const r of server) expect(r.metrics.ttftP99Ms!).toBeLessThan(60_000);
    // 62 H200-SXM-141GB rows plus 8 of its CTS (custom thermal) variant
    expect(llm.filter((r) => r.gpuKind === 'h200-141gb').length).toBe(70);
    expect(llm.filter((r) => r.gpuKind === 'h100-80gb').length).toBe(121);
  });
});

describeWithReference('import of the optimum-benchmark reports', () => {
  const expected: Record<string, number> = {
    'running-llamas_artifacts_A100-80GB_full_report.csv': 10,
    'running-llamas_artifacts_A100-80GB_short_report.csv': 10,
    'running-llamas_artifacts_Llama-13b_full_report.csv': 30,
    'running-llamas_artifacts_Llama-65b_full_report.csv': 8,
    'running-llamas_artifacts_Llama-7b_full_report.csv': 35,
    'running-llamas_artifacts_full_report.csv': 9,
    'running-llamas_artifacts_short_report.csv': 9,
    'running-mistrals_artifacts_A100-80GB_full_report.csv': 20,
    'running-mistrals_artifacts_A100-80GB_short_report.csv': 20,
    'running-vicunas_artifacts_A100-80GB_full_report.csv': 25,
    'running-vicunas_artifacts_A100-80GB_short_report.csv': 25,
  };

  it('has the eleven reports', () => {
    expect(fs.readdirSync(referencePath('benchmarks/optimum-benchmark')).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, count] of Object.entries(expected)) {
    it(`imports ${file}: ${count} rows, unique keys, throughput on every row`, () => {
      const rows = importOptimumBenchmarkCsv(readReference('benchmarks/optimum-benchmark', file), {
        sourceName: file,
        gpuKind: 'a100-80gb',
      });
      expect(rows).toHaveLength(count);
      expect(ids(rows)).toBe(count);
      for (const r of rows) expect(r.metrics.tokensPerSecond).toBeGreaterThan(0);
    });
  }

  it('reads the Llama-2-7b fp16 batch 16 row as published', () => {
    const rows = importOptimumBenchmarkCsv(
      readReference('benchmarks/optimum-benchmark/running-llamas_artifacts_A100-80GB_full_report.csv'),
      { sourceName: 'a100' },
    );
    expect(rows[0]).toMatchObject({
      model: 'meta-llama/Llama-2-7b-hf',
      gpuKind: 'a100-80gb',
      batchSize: 16,
      inputTokens: 256,
      outputTokens: 512,
      quantization: 'fp16',
      metrics: { tokensPerSecond: 471, ttftMeanMs: 402, e2eMeanMs: 17_400, memoryGb: 27.988 },
    });
    expect(rows.find((r) => r.model === 'TheBloke/Llama-2-7B-GPTQ')!.quantization).toBe('gptq');
  });
});

describeWithReference('import of the Ray LLMPerf leaderboard', () => {
  const dir = 'benchmarks/ray-llmperf-leaderboard';
  const summaryFiles = fs.readdirSync(referencePath(dir, 'summary')).sort();

  it('imports the 19 summaries and the 19 rows of summary_flat.csv, which agree', () => {
    expect(summaryFiles).toHaveLength(19);
    const summaries = summaryFiles.map((f) => importLlmperfSummaryJson(readReference(dir, 'summary', f)));
    const flat = importLlmperfSummaryCsv(readReference(dir, 'summary_flat.csv'));
    expect(flat).toHaveLength(19);
    expect(ids(summaries)).toBe(19);
    for (const row of flat) {
      const s = summaries.find((x) => x.configurationId === row.configurationId)!;
      expect(s.metrics.ttftP99Ms).toBeCloseTo(row.metrics.ttftP99Ms!, 9);
      expect(s.metrics.tokensPerSecond).toBeCloseTo(row.metrics.tokensPerSecond!, 9);
    }
  });

  it("imports all 2845 per-request records and reproduces each summary's quantiles from them", () => {
    let total = 0;
    for (const f of summaryFiles) {
      const records = importLlmperfRequestsJson(readReference(dir, 'individual', f));
      total += records.length;
      const summary = JSON.parse(readReference(dir, 'summary', f)) as Record<string, number>;
      const mine = summarizeLlmperfRequests(records);
      for (const q of ['p50', 'p90', 'p99'] as const) {
        expect(mine.ttftS[q], `${f} ttft ${q}`).toBeCloseTo(summary[`results_ttft_s_quantiles_${q}`], 9);
        expect(mine.endToEndLatencyS[q], `${f} e2e ${q}`).toBeCloseTo(
          summary[`results_end_to_end_latency_s_quantiles_${q}`],
          9,
        );
      }
    }
    expect(total).toBe(2845);
  });

  it('round-trips the imported summaries through the generic CSV', () => {
    const summaries = summaryFiles.map((f) => importLlmperfSummaryJson(readReference(dir, 'summary', f)));
    const back = importResultsCsv(formatResultsCsv(summaries));
    expect(back.issues).toEqual([]);
    expect(back.results).toEqual(summaries);
  });
});

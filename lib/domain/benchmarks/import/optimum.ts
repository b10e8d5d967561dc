// optimum-benchmark reports (huggingface/optimum-benchmark examples/running-*/artifacts): the
// full_report.csv flattens the Hydra config with dotted columns (three generations of column names
// exist in the reference files), short_report.csv keeps a few renamed columns. All ran on one GPU.
import { BenchmarkResult } from '../results';
import { compactMetrics, matchGpuKind, mbToGb, parseCsvRecords, readNumber, readPositiveInt, sToMs } from './fields';

const OPTIMUM_SOURCE = 'optimum-benchmark';

export interface OptimumImportOptions {
  /** names the file in configuration ids, so two reports do not collide */
  sourceName: string;
  /** short reports do not name the model */
  model?: string;
  /** when the report does not name the GPU */
  gpuKind?: string;
}

const pick = (r: Record<string, string>, ...keys: string[]) => {
  for (const k of keys) if (r[k] !== undefined && r[k] !== '') return r[k];
  return undefined;
};

/**
 * fp16 / int8 / int4 / gptq / awq from the scheme column and the bitsandbytes flags. Older reports
 * leave the scheme empty for pre-quantized checkpoints, so the model id and experiment name are
 * read too ("TheBloke/Llama-2-7B-GPTQ", "fp16+gptq+exllamav2", "awq+gemv").
 */
function readQuantization(r: Record<string, string>): string {
  const scheme = (
    pick(r, 'backend.quantization_scheme', 'backend.quantization_strategy', 'Quantization Scheme') ?? ''
  ).toLowerCase();
  const hints = `${scheme} ${r.model ?? ''} ${r.experiment_name ?? ''}`.toLowerCase();
  if (/gptq/.test(hints)) return 'gptq';
  if (/awq/.test(hints)) return 'awq';
  if (/bnb|4bit|8bit|int8|int4/.test(hints)) {
    const fourBit = /true/i.test(r['backend.quantization_config.load_in_4bit'] ?? '') || /4bit|int4/.test(hints);
    return fourBit ? 'int4' : 'int8';
  }
  return scheme === '' ? 'fp16' : scheme;
}

export function importOptimumBenchmarkCsv(text: string, options: OptimumImportOptions): BenchmarkResult[] {
  const seen = new Map<string, number>();
  return parseCsvRecords(text).map((r) => {
    const batchSize = readPositiveInt(pick(r, 'benchmark.input_shapes.batch_size', 'Batch Size'));
    const sequenceLength = readNumber(r['benchmark.input_shapes.sequence_length']);
    const newTokens = readNumber(pick(r, 'benchmark.new_tokens', 'benchmark.generate_kwargs.max_new_tokens'));
    const generateSeconds = readNumber(r['generate.latency(s)']);
    const quantization = readQuantization(r);
    const gpuName = pick(r, 'environment.gpus', 'environment.gpu', 'GPU');
    const model = pick(r, 'model') ?? options.model ?? 'unknown';
    const experiment = pick(r, 'experiment_name') ?? quantization;
    const base = `optimum-benchmark:${options.sourceName}:${experiment}/b${batchSize ?? '-'}/s${sequenceLength ?? '-'}/o${newTokens ?? '-'}`;
    // Some reports repeat an experiment with other settings not in the id: number the repeats.
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const memoryMb = readNumber(
      pick(
        r,
        'generate.peak_memory(MB)',
        'generate.max_memory_used(MB)',
        'Generate Peak Memory (MB)',
        'Generate Max Memory Used (MB)',
      ),
    );
    const metrics = compactMetrics({
      tokensPerSecond: readNumber(pick(r, 'generate.throughput(tokens/s)', 'Generate Throughput (tokens/s)')),
      // The forward pass over the prompt is the prefill: the time to the first token of the batch.
      ttftMeanMs: sToMs(readNumber(pick(r, 'forward.latency(s)', 'Forward Latency (s)'))),
      e2eMeanMs: sToMs(generateSeconds),
      requestsPerSecond: generateSeconds && batchSize ? batchSize / generateSeconds : undefined,
      memoryGb: mbToGb(memoryMb),
      memoryPerGpuGb: mbToGb(memoryMb),
    });
    return BenchmarkResult.parse({
      configurationId: n === 1 ? base : `${base}#${n}`,
      attempt: 1,
      source: OPTIMUM_SOURCE,
      model,
      engine: pick(r, 'backend.name') ?? 'pytorch',
      quantization,
      precision: pick(r, 'backend.torch_dtype') ?? null,
      gpuKind: (gpuName && matchGpuKind(gpuName)) ?? options.gpuKind ?? gpuName ?? null,
      gpuCount: 1,
      batchSize,
      concurrency: null,
      inputTokens: sequenceLength ?? null,
      outputTokens: newTokens ?? null,
      scenario: 'offline-batch',
      metrics,
    });
  });
}

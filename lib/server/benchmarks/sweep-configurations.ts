// A sweep's configurations as its jobs list them: `c<index>` over the matrix's valid configurations
// in expansion order. Both the job spec (run-sweep-job.ts) and the configurations a part fetches
// (list-part-configurations.ts) are derived here, so a part's indices always mean the same ones.
import type { BenchmarkConfiguration } from '@/lib/domain/benchmarks/configuration';

export interface JobConfiguration {
  id: string;
  parameters: BenchmarkConfiguration;
}

export function toJobConfigurations(valid: readonly BenchmarkConfiguration[]): JobConfiguration[] {
  return valid.map((c, i) => ({ id: `c${i}`, parameters: toParameters(c) }));
}

/** The runner's parameters only: the id and estimates stay with Gantry. */
function toParameters(c: BenchmarkConfiguration): BenchmarkConfiguration {
  const { model, engine, quantization, precision, gpuKind, gpuCount, batchSize, sequenceLength, outputTokens } = c;
  return { model, engine, quantization, precision, gpuKind, gpuCount, batchSize, sequenceLength, outputTokens };
}

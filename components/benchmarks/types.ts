// Shapes the benchmark API answers. Dataset and share rows are the server's own view types,
// imported type-only (erased at build time), so the two sides cannot drift.
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { BenchmarkResult } from '@/lib/domain/benchmarks/results';

export type { DatasetView as DatasetRow } from '@/lib/server/benchmarks/dataset-view';

export type ResultRow = BenchmarkResult & { id: string; createdAt: string };

export interface ProfileRow {
  id: string;
  name: string;
  settings: RankingSettings;
  createdAt: string;
  updatedAt: string;
}

export type { ShareView as ShareRow } from '@/lib/server/shares/share-view';

export const DEMO_SOURCES = [
  { source: 'mlperf', label: 'MLPerf Inference v4.1', hint: '2,240 published runs' },
  { source: 'optimum', label: 'optimum-benchmark', hint: 'Llama, Mistral, Vicuna on A100-80GB' },
  { source: 'llmperf', label: 'Ray LLMPerf', hint: 'hosted LLM providers' },
] as const;
export type DemoSource = (typeof DEMO_SOURCES)[number]['source'];

// Shapes the benchmark API answers (mirrors lib/server views; components never import lib/server).
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { BenchmarkResult } from '@/lib/domain/benchmarks/results';

export interface DatasetRow {
  id: string;
  name: string;
  source: 'import' | 'sweep';
  origin: string | null;
  team: { id: string; name: string } | null;
  createdBy: { id: string; name: string } | null;
  resultCount: number;
  hasResultsToken: boolean;
  createdAt: string;
}

export type ResultRow = BenchmarkResult & { id: string; createdAt: string };

export interface ProfileRow {
  id: string;
  name: string;
  settings: RankingSettings;
  createdAt: string;
  updatedAt: string;
}

export interface ShareRow {
  id: string;
  title: string;
  datasetId: string | null;
  settings: RankingSettings;
  rowCount: number;
  createdAt: string;
  revokedAt: string | null;
}

export const DEMO_SOURCES = [
  { source: 'mlperf', label: 'MLPerf Inference v4.1', hint: '2,240 published runs' },
  { source: 'optimum', label: 'optimum-benchmark', hint: 'Llama, Mistral, Vicuna on A100-80GB' },
  { source: 'llmperf', label: 'Ray LLMPerf', hint: 'hosted LLM providers' },
] as const;
export type DemoSource = (typeof DEMO_SOURCES)[number]['source'];

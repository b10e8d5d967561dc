import fs from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { importLlmperfSummaryJson } from '@/lib/domain/benchmarks/import/llmperf';
import { importMlperfResultsCsv } from '@/lib/domain/benchmarks/import/mlperf';
import { importOptimumBenchmarkCsv } from '@/lib/domain/benchmarks/import/optimum';
import type { BenchmarkResult } from '@/lib/domain/benchmarks/results';
import { benchmarkDatasets } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { requireRole, type Ctx } from '../context';
import { unavailable } from '../errors';
import { parseInput } from '../validate';
import { loadDatasetViews, type DatasetView } from './dataset-view';
import { storeDataset } from './store-dataset';

export const DEMO_SOURCES = ['mlperf', 'optimum', 'llmperf'] as const;
const ImportDemoDatasetInput = z.object({ source: z.enum(DEMO_SOURCES) });
type ImportDemoDatasetInput = z.infer<typeof ImportDemoDatasetInput>;

interface DemoTable {
  name: string;
  folder: string;
  read(dir: string): { files: string[]; results: BenchmarkResult[] };
}

// Published tables under <reference>/benchmarks, read in place and never copied into the project.
const DEMO_TABLES: Record<ImportDemoDatasetInput['source'], DemoTable> = {
  mlperf: {
    name: 'MLPerf Inference v4.1 (all results)',
    folder: 'mlperf-inference-v4.1',
    read: (dir) => {
      const file = 'mlperf_inference_v4.1_all_results.csv';
      return { files: [file], results: importMlperfResultsCsv(fs.readFileSync(path.join(dir, file), 'utf8')) };
    },
  },
  optimum: {
    name: 'optimum-benchmark: Llama, Mistral, Vicuna on A100-80GB',
    folder: 'optimum-benchmark',
    read: (dir) => {
      const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('A100-80GB_full_report.csv'))
        .sort();
      const results = files.flatMap((f) =>
        importOptimumBenchmarkCsv(fs.readFileSync(path.join(dir, f), 'utf8'), {
          sourceName: f.replace(/_full_report\.csv$/, ''),
          gpuKind: 'a100-80gb',
        }),
      );
      return { files, results };
    },
  },
  llmperf: {
    name: 'Ray LLMPerf leaderboard (hosted providers)',
    folder: 'ray-llmperf-leaderboard',
    read: (dir) => {
      const files = fs
        .readdirSync(path.join(dir, 'summary'))
        .filter((f) => f.endsWith('.json'))
        .sort();
      return {
        files: files.map((f) => `summary/${f}`),
        results: files.map((f) => importLlmperfSummaryJson(fs.readFileSync(path.join(dir, 'summary', f), 'utf8'))),
      };
    },
  },
};

/**
 * Imports a published benchmark table from the reference folder as a demo dataset. Importing the
 * same source again answers the dataset already there instead of a copy.
 */
export async function importDemoDataset({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<DatasetView & { created: boolean }> {
  requireRole(ctx, 'researcher');
  const { source } = parseInput(ImportDemoDatasetInput, input);
  const existing = await loadDatasetViews(
    ctx,
    and(eq(benchmarkDatasets.source, 'import'), sql`${benchmarkDatasets.definition}->>'origin' = ${source}`),
  );
  if (existing[0]) return { ...existing[0], created: false };

  const table = DEMO_TABLES[source];
  const dir = path.join(env().referenceDir, 'benchmarks', table.folder);
  if (!fs.existsSync(dir)) {
    throw unavailable(
      `Demo data is not available: the reference folder ${dir} is absent (set GANTRY_REFERENCE_DIR to the folder holding benchmarks/)`,
    );
  }
  let read: ReturnType<DemoTable['read']>;
  try {
    read = table.read(dir);
  } catch (e) {
    throw unavailable(`Could not read the demo table in ${dir}: ${(e as Error).message.split('\n')[0]}`, e);
  }
  const id = await storeDataset(
    ctx,
    { name: table.name, source: 'import', definition: { origin: source, folder: table.folder, files: read.files } },
    read.results,
  );
  const [view] = await loadDatasetViews(ctx, eq(benchmarkDatasets.id, id));
  return { ...view, created: true };
}

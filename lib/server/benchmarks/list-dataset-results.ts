import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { BenchmarkResult } from '@/lib/domain/benchmarks/results';
import { benchmarkResults } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { requireVisibleDataset } from './dataset-access';

const ListDatasetResultsInput = z.object({ id: z.string().uuid('Not a dataset id') });
type ListDatasetResultsInput = z.infer<typeof ListDatasetResultsInput>;

export type ResultView = BenchmarkResult & { id: string; createdAt: string };

/** All results of a dataset in insertion order (tables of a few thousand rows rank in the browser). */
export async function listDatasetResults({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ResultView[]> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(ListDatasetResultsInput, input);
  await requireVisibleDataset(ctx, id);
  return loadResults(ctx, id);
}

export async function loadResults(ctx: Ctx, datasetId: string): Promise<ResultView[]> {
  const rows = await ctx.db
    .select()
    .from(benchmarkResults)
    .where(eq(benchmarkResults.datasetId, datasetId))
    .orderBy(asc(benchmarkResults.createdAt), asc(benchmarkResults.configurationId), asc(benchmarkResults.attempt));
  return rows.map((r) => ({ ...r.result, id: r.id, createdAt: r.createdAt.toISOString() }));
}

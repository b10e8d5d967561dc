import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { BenchmarkResult, mergeResults } from '@/lib/domain/benchmarks/results';
import { benchmarkResults } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { conflict } from '../errors';
import { parseInput } from '../validate';
import { findResultsDataset } from './find-results-dataset';
import type { ResultView } from './list-dataset-results';

const PostBenchmarkResultInput = z.object({
  /** the dataset's results token (the Bearer token of POST /api/benchmarks/results) */
  token: z.string().nullable(),
  result: z.unknown(),
});

export interface PostedResult {
  created: boolean;
  datasetId: string;
  result: ResultView;
}

/**
 * Stores one result posted by a sweep step. Idempotent per (dataset, configuration, attempt): a
 * replay of the same result answers the stored row; a different result under that key is CONFLICT.
 */
export async function postBenchmarkResult({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PostedResult> {
  const { token, result: raw } = parseInput(PostBenchmarkResultInput, input);
  const dataset = await findResultsDataset(ctx, token);
  const result = parseInput(BenchmarkResult, raw);

  const [inserted] = await ctx.db
    .insert(benchmarkResults)
    .values({ datasetId: dataset.id, configurationId: result.configurationId, attempt: result.attempt, result })
    .onConflictDoNothing()
    .returning();
  if (inserted)
    return {
      created: true,
      datasetId: dataset.id,
      result: { ...inserted.result, id: inserted.id, createdAt: inserted.createdAt.toISOString() },
    };

  const [prior] = await ctx.db
    .select()
    .from(benchmarkResults)
    .where(
      and(
        eq(benchmarkResults.datasetId, dataset.id),
        eq(benchmarkResults.configurationId, result.configurationId),
        eq(benchmarkResults.attempt, result.attempt),
      ),
    );
  if (mergeResults([prior.result], [result]).conflicts.length > 0) {
    throw conflict(
      `Configuration ${result.configurationId} attempt ${result.attempt} already has a different result; post a new attempt instead`,
      [{ field: 'attempt', message: `attempt ${result.attempt} is taken` }],
    );
  }
  return {
    created: false,
    datasetId: dataset.id,
    result: { ...prior.result, id: prior.id, createdAt: prior.createdAt.toISOString() },
  };
}

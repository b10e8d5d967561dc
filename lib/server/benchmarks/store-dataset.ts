import { eq } from 'drizzle-orm';
import { mergeResults, type BenchmarkResult } from '@/lib/domain/benchmarks/results';
import { benchmarkDatasets, benchmarkResults, memberships } from '@/lib/db/schema';
import { inTransaction, type Ctx } from '../context';
import { invalid } from '../errors';

const CHUNK = 500;

/** The caller's first team, recorded on what they create (null for users without a team). */
async function findActorTeamId(ctx: Ctx): Promise<string | null> {
  const [row] = await ctx.db
    .select({ teamId: memberships.teamId })
    .from(memberships)
    .where(eq(memberships.userId, ctx.actor.id))
    .limit(1);
  return row?.teamId ?? null;
}

/**
 * Creates a dataset and its results in one transaction. Duplicate keys inside one table are
 * refused (naming the first), never silently dropped.
 */
export async function storeDataset(
  ctx: Ctx,
  dataset: { name: string; source: 'import' | 'sweep'; definition: Record<string, unknown> },
  results: readonly BenchmarkResult[],
): Promise<string> {
  const merged = mergeResults([], results);
  if (merged.conflicts.length > 0) {
    throw invalid(`${merged.conflicts.length} results repeat a configuration and attempt with other values`, [
      { field: 'results', message: `duplicate key ${merged.conflicts[0].key}` },
    ]);
  }
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(benchmarkDatasets)
      .values({ ...dataset, teamId: await findActorTeamId(tx), createdBy: ctx.actor.id })
      .returning({ id: benchmarkDatasets.id });
    for (let i = 0; i < merged.results.length; i += CHUNK) {
      await tx.db
        .insert(benchmarkResults)
        .values(
          merged.results
            .slice(i, i + CHUNK)
            .map((r) => ({ datasetId: row.id, configurationId: r.configurationId, attempt: r.attempt, result: r })),
        );
    }
    return row.id;
  });
}

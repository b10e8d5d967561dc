// Who may see a benchmark dataset (docs/security.md, "Benchmarks"): it belongs to its creator's team.
// Its creator, members of that team and admins see it; the published tables imported from the
// reference folder (MLPerf, optimum-benchmark, LLMPerf) are public data, seen by everyone signed in.
// Others reach a dataset only through a share link's frozen snapshot. A dataset someone may not see
// answers 404, as if it did not exist.
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { benchmarkDatasets } from '@/lib/db/schema';
import { hasRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { ownerOrTeamMember } from '../jobs/job-access';
import { DEMO_SOURCES } from './import-demo-dataset';

/** A condition on `benchmark_datasets` keeping the rows the actor may see; undefined for admins. */
export function visibleDatasetsFilter(ctx: Ctx): SQL | undefined {
  if (hasRole(ctx.actor, 'admin')) return undefined;
  return or(
    ownerOrTeamMember(ctx, benchmarkDatasets.createdBy, benchmarkDatasets.teamId),
    and(
      eq(benchmarkDatasets.source, 'import'),
      inArray(sql`${benchmarkDatasets.definition}->>'origin'`, [...DEMO_SOURCES]),
    ),
  );
}

/** `id` and the actor's visibility in one condition, for a verb's own select of one dataset. */
export function visibleDataset(ctx: Ctx, id: string): SQL | undefined {
  return and(eq(benchmarkDatasets.id, id), visibleDatasetsFilter(ctx));
}

/**
 * Who may change a dataset they can see (run its sweep, issue its results token, delete it, name
 * it in a benchmark job): its creator and admins, as for every team-owned thing.
 */
export function mayChangeDataset(ctx: Ctx, dataset: { createdBy: string | null }): boolean {
  return dataset.createdBy === ctx.actor.id || hasRole(ctx.actor, 'admin');
}

/** Throws NOT_FOUND unless the dataset exists and the actor may see it. */
export async function requireVisibleDataset(ctx: Ctx, id: string): Promise<void> {
  const [row] = await ctx.db
    .select({ id: benchmarkDatasets.id })
    .from(benchmarkDatasets)
    .where(visibleDataset(ctx, id));
  if (!row) throw notFound('Benchmark dataset');
}

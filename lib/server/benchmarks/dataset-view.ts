import { count, desc, eq, type SQL } from 'drizzle-orm';
import { benchmarkDatasets, benchmarkResults, teams, users } from '@/lib/db/schema';
import type { Ctx } from '../context';

export interface DatasetView {
  id: string;
  name: string;
  source: 'import' | 'sweep';
  /** mlperf / optimum / llmperf for demo imports, upload for files, null for sweeps */
  origin: string | null;
  team: { id: string; name: string } | null;
  createdBy: { id: string; name: string } | null;
  resultCount: number;
  hasResultsToken: boolean;
  /** jobs this sweep ran as (POST /api/benchmarks/datasets/:id/run), oldest first */
  jobIds: string[];
  createdAt: string;
}

/** Datasets with their creator, team and result count, newest first. */
export async function loadDatasetViews(ctx: Ctx, where?: SQL): Promise<DatasetView[]> {
  const counts = ctx.db
    .select({ datasetId: benchmarkResults.datasetId, n: count().as('n') })
    .from(benchmarkResults)
    .groupBy(benchmarkResults.datasetId)
    .as('counts');
  const rows = await ctx.db
    .select({
      d: benchmarkDatasets,
      teamName: teams.name,
      creatorName: users.name,
      n: counts.n,
    })
    .from(benchmarkDatasets)
    .leftJoin(teams, eq(teams.id, benchmarkDatasets.teamId))
    .leftJoin(users, eq(users.id, benchmarkDatasets.createdBy))
    .leftJoin(counts, eq(counts.datasetId, benchmarkDatasets.id))
    .where(where)
    .orderBy(desc(benchmarkDatasets.createdAt), desc(benchmarkDatasets.id));
  return rows.map(({ d, teamName, creatorName, n }) => ({
    id: d.id,
    name: d.name,
    source: d.source,
    origin: typeof d.definition.origin === 'string' ? d.definition.origin : null,
    team: d.teamId && teamName ? { id: d.teamId, name: teamName } : null,
    createdBy: d.createdBy && creatorName ? { id: d.createdBy, name: creatorName } : null,
    resultCount: Number(n ?? 0),
    hasResultsToken: d.resultsTokenHash !== null,
    jobIds: Array.isArray(d.definition.jobIds) ? d.definition.jobIds.map(String) : [],
    createdAt: d.createdAt.toISOString(),
  }));
}

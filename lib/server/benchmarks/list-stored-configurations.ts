import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { benchmarkResults } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { parseInput } from '../validate';
import { findResultsDataset } from './find-results-dataset';

const ListStoredConfigurationsInput = z.object({ token: z.string().nullable() });

/**
 * The configuration ids that already have a result in the token's dataset: what a sweep step
 * skips, so a retried step or a resubmitted sweep never measures a configuration twice.
 */
export async function listStoredConfigurations({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ configurationIds: string[] }> {
  const { token } = parseInput(ListStoredConfigurationsInput, input);
  const dataset = await findResultsDataset(ctx, token);
  return { configurationIds: [...(await storedConfigurationIds(ctx, dataset.id))] };
}

/** The ids of a dataset's configurations that have at least one result. */
export async function storedConfigurationIds(ctx: Ctx, datasetId: string): Promise<Set<string>> {
  const rows = await ctx.db
    .selectDistinct({ id: benchmarkResults.configurationId })
    .from(benchmarkResults)
    .where(eq(benchmarkResults.datasetId, datasetId));
  return new Set(rows.map((r) => r.id));
}

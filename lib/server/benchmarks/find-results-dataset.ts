import { eq } from 'drizzle-orm';
import { benchmarkDatasets } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { AppError } from '../errors';
import { RESULTS_TOKEN_PREFIX, hashSecret } from './results-token';

/** The dataset a sweep's results token belongs to; UNAUTHENTICATED for a missing or unknown token. */
export async function findResultsDataset(ctx: Ctx, token: string | null): Promise<{ id: string }> {
  if (!token || !token.startsWith(RESULTS_TOKEN_PREFIX)) {
    throw new AppError('UNAUTHENTICATED', "Send the dataset's results token as 'Authorization: Bearer gbr_...'");
  }
  const [dataset] = await ctx.db.select({ id: benchmarkDatasets.id }).from(benchmarkDatasets).where(eq(benchmarkDatasets.resultsTokenHash, hashSecret(token)));
  if (!dataset) throw new AppError('UNAUTHENTICATED', 'Unknown or replaced results token');
  return dataset;
}

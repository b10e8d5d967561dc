import { eq } from 'drizzle-orm';
import { benchmarkDatasets } from '@/lib/db/schema';
import { countInvalidCredential } from '../auth/invalid-credential';
import type { Ctx } from '../context';
import { AppError } from '../errors';
import { RESULTS_TOKEN_PREFIX, hashSecret } from './results-token';

/**
 * The dataset a sweep's results token belongs to; UNAUTHENTICATED for a missing or unknown token.
 * A wrong token counts against the client's address like a wrong API token (429 once locked out);
 * a missing one is a mistake, not a guess, and does not.
 */
export async function findResultsDataset(ctx: Ctx, token: string | null): Promise<{ id: string }> {
  if (!token)
    throw new AppError('UNAUTHENTICATED', "Send the dataset's results token as 'Authorization: Bearer gbr_...'");
  const [dataset] = token.startsWith(RESULTS_TOKEN_PREFIX)
    ? await ctx.db
        .select({ id: benchmarkDatasets.id })
        .from(benchmarkDatasets)
        .where(eq(benchmarkDatasets.resultsTokenHash, hashSecret(token)))
    : [];
  if (dataset) return dataset;
  await countInvalidCredential(ctx.db, ctx.clientAddress);
  throw new AppError(
    'UNAUTHENTICATED',
    token.startsWith(RESULTS_TOKEN_PREFIX)
      ? 'Unknown or replaced results token'
      : "Send the dataset's results token as 'Authorization: Bearer gbr_...'",
  );
}

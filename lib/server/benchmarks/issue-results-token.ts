import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { benchmarkDatasets } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validate';
import { mayChangeDataset, visibleDataset } from './dataset-access';
import { generateResultsToken, hashSecret } from './results-token';

const IssueResultsTokenInput = z.object({ id: z.string().uuid('Not a dataset id') });
type IssueResultsTokenInput = z.infer<typeof IssueResultsTokenInput>;

/**
 * Issues the token a sweep's steps post results with (answered once; only its hash is kept).
 * Issuing again replaces the old token, which stops working at once.
 */
export async function issueResultsToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ datasetId: string; token: string }> {
  requireRole(ctx, 'researcher');
  const { id } = parseInput(IssueResultsTokenInput, input);
  const [dataset] = await ctx.db.select().from(benchmarkDatasets).where(visibleDataset(ctx, id));
  if (!dataset) throw notFound('Benchmark dataset');
  if (!mayChangeDataset(ctx, dataset)) {
    throw forbidden('Only the creator of a dataset or an admin can issue its results token');
  }
  const token = generateResultsToken();
  await ctx.db
    .update(benchmarkDatasets)
    .set({ resultsTokenHash: hashSecret(token) })
    .where(eq(benchmarkDatasets.id, id));
  return { datasetId: id, token };
}

import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { buildShareSnapshot, RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { benchmarkDatasets, shareLinks } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { invalid, notFound } from '../errors';
import { parseInput } from '../validate';
import { visibleDataset } from '../benchmarks/dataset-access';
import { loadResults } from '../benchmarks/list-dataset-results';
import { toShareView, type ShareView } from './share-view';

const CreateShareInput = z.object({
  datasetId: z.string().uuid('Not a dataset id'),
  title: z.string().trim().min(1, 'Give the ranking a title').max(120, 'At most 120 characters').optional(),
  settings: RankingSettings,
  top: z.number().int().min(1).max(20).default(5),
});
type CreateShareInput = z.infer<typeof CreateShareInput>;

export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Freezes a ranking of a dataset behind an unguessable link (32 random bytes; only the hash is
 * kept). The snapshot holds the rows and scores, so results posted later never change the page.
 */
export async function createShare({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ShareView & { token: string; path: string }> {
  requireRole(ctx, 'researcher');
  const data = parseInput(CreateShareInput, input);
  // Only a dataset the actor may see can be published (else a link would leak another team's results).
  const [dataset] = await ctx.db
    .select({ name: benchmarkDatasets.name })
    .from(benchmarkDatasets)
    .where(visibleDataset(ctx, data.datasetId));
  if (!dataset) throw notFound('Benchmark dataset');
  const snapshot = buildShareSnapshot(dataset.name, await loadResults(ctx, data.datasetId), data.settings, data.top);
  if (snapshot.rows.length === 0) {
    throw invalid('No result of this dataset has every chosen criterion; choose other criteria', [
      { field: 'settings.criteria', message: 'no row has all of these metrics' },
    ]);
  }
  const token = randomBytes(32).toString('base64url');
  const [row] = await ctx.db
    .insert(shareLinks)
    .values({
      tokenHash: hashShareToken(token),
      datasetId: data.datasetId,
      title: data.title ?? `Ranking of ${dataset.name}`,
      snapshot,
      createdBy: ctx.actor.id,
    })
    .returning();
  return { ...toShareView(row), token, path: `/share/${token}` };
}

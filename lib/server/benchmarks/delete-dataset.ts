import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { benchmarkDatasets, jobs } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { conflict, forbidden, notFound } from '../errors';
import { parseInput } from '../validate';
import { mayChangeDataset, visibleDataset } from './dataset-access';
import { deleteSweepSecrets } from './sweep-secret';

const DeleteDatasetInput = z.object({ id: z.string().uuid('Not a dataset id') });
type DeleteDatasetInput = z.infer<typeof DeleteDatasetInput>;

/**
 * Deletes a dataset and its results (creator or admin). Share links keep their frozen snapshot and
 * keep working: a shared page is a published copy, and its creator can still revoke it. The
 * results token dies with the dataset; the sweep's Secret is removed from the cluster too. A sweep
 * whose job is still queued or running is refused: its steps would lose the dataset they post to.
 */
export async function deleteDataset({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ id: string; deleted: true }> {
  requireRole(ctx, 'researcher');
  const { id } = parseInput(DeleteDatasetInput, input);
  const [dataset] = await ctx.db
    .select({
      createdBy: benchmarkDatasets.createdBy,
      source: benchmarkDatasets.source,
      definition: benchmarkDatasets.definition,
    })
    .from(benchmarkDatasets)
    .where(visibleDataset(ctx, id));
  if (!dataset) throw notFound('Benchmark dataset');
  if (!mayChangeDataset(ctx, dataset)) {
    throw forbidden('Only the creator of a dataset or an admin can delete it');
  }
  const jobIds = (Array.isArray(dataset.definition.jobIds) ? dataset.definition.jobIds : [])
    .map(Number)
    .filter(Number.isInteger);
  if (jobIds.length > 0) {
    const [active] = await ctx.db
      .select({ id: jobs.id, state: jobs.state })
      .from(jobs)
      .where(and(inArray(jobs.id, jobIds), inArray(jobs.state, ['queued', 'admitted', 'submitted', 'running'])))
      .limit(1);
    if (active) {
      throw conflict(`Job ${active.id} of this sweep is ${active.state}; cancel it before deleting the dataset`, [
        { field: 'id', message: `job ${active.id} is ${active.state}` },
      ]);
    }
  }
  // Results cascade; share_links.dataset_id is set to null by the foreign key.
  await ctx.db.delete(benchmarkDatasets).where(eq(benchmarkDatasets.id, id));
  if (dataset.source === 'sweep') {
    try {
      await deleteSweepSecrets(ctx, id, jobIds);
    } catch (error) {
      // The token it holds no longer matches any dataset; a cluster outage must not block the delete.
      ctx.log.warn({ err: error, datasetId: id }, 'could not delete the sweep Secret');
    }
  }
  return { id, deleted: true };
}

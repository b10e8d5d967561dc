import { z } from 'zod';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { visibleDataset } from './dataset-access';
import { loadDatasetViews, type DatasetView } from './dataset-view';

const GetDatasetInput = z.object({ id: z.string().uuid('Not a dataset id') });
type GetDatasetInput = z.infer<typeof GetDatasetInput>;

export async function getDataset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DatasetView> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(GetDatasetInput, input);
  const [view] = await loadDatasetViews(ctx, visibleDataset(ctx, id));
  if (!view) throw notFound('Benchmark dataset');
  return view;
}

import { requireRole, type Ctx } from '../context';
import { loadDatasetViews, type DatasetView } from './dataset-view';

/** Every benchmark dataset, newest first. Results are cluster-wide knowledge, so any viewer sees all. */
export async function listDatasets({ ctx }: { ctx: Ctx }): Promise<DatasetView[]> {
  requireRole(ctx, 'viewer');
  return loadDatasetViews(ctx);
}

import { requireRole, type Ctx } from '../context';
import { visibleDatasetsFilter } from './dataset-access';
import { loadDatasetViews, type DatasetView } from './dataset-view';

/** The benchmark datasets the actor may see (their teams', the published demo tables; all for admins), newest first. */
export async function listDatasets({ ctx }: { ctx: Ctx }): Promise<DatasetView[]> {
  requireRole(ctx, 'viewer');
  return loadDatasetViews(ctx, visibleDatasetsFilter(ctx));
}

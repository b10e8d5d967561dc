// GET /api/benchmarks/datasets/:id/results - every result of a dataset
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listDatasetResults } from '@/lib/server/benchmarks/list-dataset-results';

export const GET = route({ auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } }, ({ ctx, params }) =>
  listDatasetResults({ ctx, input: { id: params.id } }),
);

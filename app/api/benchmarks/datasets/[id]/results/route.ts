// GET /api/benchmarks/datasets/:id/results - every result of a dataset
import { route } from '@/lib/http/route';
import { listDatasetResults } from '@/lib/server/benchmarks/list-dataset-results';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  listDatasetResults({ ctx, input: { id: params.id } }),
);

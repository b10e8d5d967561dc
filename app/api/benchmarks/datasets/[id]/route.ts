// GET /api/benchmarks/datasets/:id - one dataset
// DELETE /api/benchmarks/datasets/:id - delete it with its results (creator or admin); shares keep their snapshot
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { deleteDataset } from '@/lib/server/benchmarks/delete-dataset';
import { getDataset } from '@/lib/server/benchmarks/get-dataset';

export const GET = route({ auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } }, ({ ctx, params }) =>
  getDataset({ ctx, input: { id: params.id } }),
);

export const DELETE = route(
  { auth: 'user', role: 'researcher', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => deleteDataset({ ctx, input: { id: params.id } }),
);

// GET /api/benchmarks/datasets/:id - one dataset
// DELETE /api/benchmarks/datasets/:id - delete it with its results (creator or admin); shares keep their snapshot
import { route } from '@/lib/http/route';
import { deleteDataset } from '@/lib/server/benchmarks/delete-dataset';
import { getDataset } from '@/lib/server/benchmarks/get-dataset';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  getDataset({ ctx, input: { id: params.id } }),
);

export const DELETE = route<{ id: string }>({ role: 'researcher' }, ({ ctx, params }) =>
  deleteDataset({ ctx, input: { id: params.id } }),
);

// GET /api/benchmarks/datasets/:id - one dataset
import { route } from '@/lib/http/route';
import { getDataset } from '@/lib/server/benchmarks/get-dataset';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) => getDataset({ ctx, input: { id: params.id } }));

// GET /api/benchmarks/datasets - all datasets; POST - create one from a CSV or JSON table
import { route } from '@/lib/http/route';
import { listDatasets } from '@/lib/server/benchmarks/list-datasets';
import { uploadDataset } from '@/lib/server/benchmarks/upload-dataset';

export const GET = route({ role: 'viewer' }, ({ ctx }) => listDatasets({ ctx }));
export const POST = route({ role: 'researcher', status: 201 }, ({ ctx, body }) => uploadDataset({ ctx, input: body }));

// GET /api/benchmarks/datasets - all datasets; POST - create one from a CSV or JSON table
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listDatasets } from '@/lib/server/benchmarks/list-datasets';
import { uploadDataset } from '@/lib/server/benchmarks/upload-dataset';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => listDatasets({ ctx }));
export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { body: JsonBody } },
  ({ ctx, body }) => uploadDataset({ ctx, input: body }),
);

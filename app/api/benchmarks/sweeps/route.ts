// POST /api/benchmarks/sweeps - create the dataset a sweep posts into, with its results token
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { createSweepDataset } from '@/lib/server/benchmarks/create-sweep-dataset';

export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { body: JsonBody } },
  ({ ctx, body }) => createSweepDataset({ ctx, input: body }),
);

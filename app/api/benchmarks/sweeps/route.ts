// POST /api/benchmarks/sweeps - create the dataset a sweep posts into, with its results token
import { route } from '@/lib/http/route';
import { createSweepDataset } from '@/lib/server/benchmarks/create-sweep-dataset';

export const POST = route({ role: 'researcher', status: 201 }, ({ ctx, body }) =>
  createSweepDataset({ ctx, input: body }),
);

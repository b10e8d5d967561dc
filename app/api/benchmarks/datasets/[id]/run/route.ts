// POST /api/benchmarks/datasets/:id/run - run a sweep as a benchmark job through the queue (resumes: stored configurations are skipped)
import { route } from '@/lib/http/route';
import { runSweepJob } from '@/lib/server/benchmarks/run-sweep-job';

export const POST = route<{ id: string }>({ role: 'researcher', status: 201 }, ({ ctx, params, body }) =>
  runSweepJob({ ctx, input: { ...(body as object), id: params.id } }),
);

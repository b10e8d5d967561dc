// POST /api/benchmarks/datasets/:id/run - run a sweep as a benchmark job through the queue (resumes: stored configurations are skipped)
import { JsonFields, pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { runSweepJob } from '@/lib/server/benchmarks/run-sweep-job';

export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { params: pathParams('id'), body: JsonFields } },
  ({ ctx, params, body }) => runSweepJob({ ctx, input: { ...body, id: params.id } }),
);

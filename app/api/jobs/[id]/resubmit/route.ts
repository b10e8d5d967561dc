// POST /api/jobs/:id/resubmit - queue a copy of a job as a new job (owner or admin)
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { resubmitJob } from '@/lib/server/jobs/resubmit-job';

export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { params: pathParams('id') } },
  ({ ctx, params }) => resubmitJob({ ctx, input: { id: params.id } }),
);

// POST /api/jobs/:id/cancel - the owner or an admin cancels a job
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { cancelJob } from '@/lib/server/jobs/cancel-job';

export const POST = route(
  { auth: 'user', role: 'researcher', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => cancelJob({ ctx, input: { id: params.id } }),
);

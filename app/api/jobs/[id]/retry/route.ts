// POST /api/jobs/:id/retry - retry a failed job's failed steps in its own workflow (owner or admin)
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { retryJob } from '@/lib/server/jobs/retry-job';

export const POST = route(
  { auth: 'user', role: 'researcher', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => retryJob({ ctx, input: { id: params.id } }),
);

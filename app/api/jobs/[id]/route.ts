// GET /api/jobs/:id - state, reason, position, ETA, placement, workflow and timeline
// PATCH /api/jobs/:id - admins change the priority ({ "priority": "high" })
import { JsonFields, pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getJob } from '@/lib/server/jobs/get-job';
import { setJobPriority } from '@/lib/server/jobs/set-job-priority';

export const GET = route({ auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } }, ({ ctx, params }) =>
  getJob({ ctx, input: { id: params.id } }),
);
export const PATCH = route(
  { auth: 'user', role: 'admin', schemas: { params: pathParams('id'), body: JsonFields } },
  ({ ctx, params, body }) => setJobPriority({ ctx, input: { ...body, id: params.id } }),
);

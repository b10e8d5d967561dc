// GET /api/jobs/:id - state, reason, position, ETA, placement, workflow and timeline
// PATCH /api/jobs/:id - admins change the priority ({ "priority": "high" })
import { route } from '@/lib/http/route';
import { getJob } from '@/lib/server/jobs/get-job';
import { setJobPriority } from '@/lib/server/jobs/set-job-priority';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  getJob({ ctx, input: { id: params.id } }),
);
export const PATCH = route<{ id: string }>({ role: 'admin' }, ({ ctx, params, body }) =>
  setJobPriority({ ctx, input: { ...(body as object), id: params.id } }),
);

// POST /api/jobs/:id/resubmit - queue a copy of a job as a new job (owner or admin)
import { route } from '@/lib/http/route';
import { resubmitJob } from '@/lib/server/jobs/resubmit-job';

export const POST = route<{ id: string }>({ role: 'viewer', status: 201 }, ({ ctx, params }) =>
  resubmitJob({ ctx, input: { id: params.id } }),
);

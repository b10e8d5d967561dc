// POST /api/jobs/:id/cancel - the owner or an admin cancels a job
import { route } from '@/lib/http/route';
import { cancelJob } from '@/lib/server/jobs/cancel-job';

export const POST = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  cancelJob({ ctx, input: { id: params.id } }),
);

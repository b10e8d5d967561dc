// POST /api/jobs/:id/retry - retry a failed job's failed steps in its own workflow (owner or admin)
import { route } from '@/lib/http/route';
import { retryJob } from '@/lib/server/jobs/retry-job';

export const POST = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  retryJob({ ctx, input: { id: params.id } }),
);

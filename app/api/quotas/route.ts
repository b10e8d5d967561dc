// GET /api/quotas - my teams' quotas, current use, borrowed GPUs and remaining weekly budget
import { route } from '@/lib/http/route';
import { listQuotas } from '@/lib/server/quotas/list-quotas';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => listQuotas({ ctx, input: { scope: 'mine' } }));

// GET /api/admin/quotas - every team's quotas with current use; PUT - create or replace one (audited)
import { route } from '@/lib/http/route';
import { listQuotas } from '@/lib/server/quotas/list-quotas';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';

export const GET = route({ role: 'admin' }, ({ ctx }) => listQuotas({ ctx, input: { scope: 'all' } }));
export const PUT = route({ role: 'admin' }, ({ ctx, body }) => upsertQuota({ ctx, input: body }));

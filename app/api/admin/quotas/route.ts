// GET /api/admin/quotas - every team's quotas with current use; PUT - create or replace one (audited)
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listQuotas } from '@/lib/server/quotas/list-quotas';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';

export const GET = route({ auth: 'user', role: 'admin' }, ({ ctx }) => listQuotas({ ctx, input: { scope: 'all' } }));
export const PUT = route({ auth: 'user', role: 'admin', schemas: { body: JsonBody } }, ({ ctx, body }) =>
  upsertQuota({ ctx, input: body }),
);

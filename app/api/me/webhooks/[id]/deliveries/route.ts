// GET /api/me/webhooks/:id/deliveries - the webhook's latest deliveries (status, attempts, last error)
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listDeliveries } from '@/lib/server/notifications/list-deliveries';

export const GET = route({ auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } }, ({ ctx, params }) =>
  listDeliveries({ ctx, input: { id: params.id } }),
);

// GET /api/me/webhooks/:id/deliveries - the webhook's latest deliveries (status, attempts, last error)
import { route } from '@/lib/http/route';
import { listDeliveries } from '@/lib/server/notifications/list-deliveries';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  listDeliveries({ ctx, input: { id: params.id } }),
);

// GET /api/admin/teams/:slug/webhooks/:id/deliveries - a team webhook's latest deliveries
import { route } from '@/lib/http/route';
import { listDeliveries } from '@/lib/server/notifications/list-deliveries';

export const GET = route<{ slug: string; id: string }>({ role: 'admin' }, ({ ctx, params }) =>
  listDeliveries({ ctx, input: { id: params.id }, scope: { team: params.slug } }),
);

// GET /api/admin/teams/:slug/webhooks/:id/deliveries - a team webhook's latest deliveries
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listDeliveries } from '@/lib/server/notifications/list-deliveries';

export const GET = route(
  { auth: 'user', role: 'admin', schemas: { params: pathParams('slug', 'id') } },
  ({ ctx, params }) => listDeliveries({ ctx, input: { id: params.id }, scope: { team: params.slug } }),
);

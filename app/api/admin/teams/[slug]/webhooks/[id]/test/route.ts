// POST /api/admin/teams/:slug/webhooks/:id/test - send a test message to a team webhook now
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { testWebhook } from '@/lib/server/notifications/test-webhook';

export const POST = route(
  { auth: 'user', role: 'admin', schemas: { params: pathParams('slug', 'id') } },
  ({ ctx, params }) => testWebhook({ ctx, input: { id: params.id }, scope: { team: params.slug } }),
);

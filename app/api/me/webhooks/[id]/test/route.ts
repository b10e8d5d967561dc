// POST /api/me/webhooks/:id/test - send a test message now and answer how the receiver took it
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { testWebhook } from '@/lib/server/notifications/test-webhook';

export const POST = route(
  { auth: 'user', role: 'researcher', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => testWebhook({ ctx, input: { id: params.id } }),
);

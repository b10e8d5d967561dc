// POST /api/me/webhooks/:id/test - send a test message now and answer how the receiver took it
import { route } from '@/lib/http/route';
import { testWebhook } from '@/lib/server/notifications/test-webhook';

export const POST = route<{ id: string }>({ role: 'researcher' }, ({ ctx, params }) =>
  testWebhook({ ctx, input: { id: params.id } }),
);

// POST /api/admin/teams/:slug/webhooks/:id/test - send a test message to a team webhook now
import { route } from '@/lib/http/route';
import { testWebhook } from '@/lib/server/notifications/test-webhook';

export const POST = route<{ slug: string; id: string }>({ role: 'admin' }, ({ ctx, params }) =>
  testWebhook({ ctx, input: { id: params.id }, scope: { team: params.slug } }),
);

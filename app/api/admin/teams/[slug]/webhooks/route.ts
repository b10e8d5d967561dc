// GET /api/admin/teams/:slug/webhooks - the team's webhooks; POST - add one (admins)
import { route } from '@/lib/http/route';
import { createWebhook } from '@/lib/server/notifications/create-webhook';
import { listWebhooks } from '@/lib/server/notifications/list-webhooks';

export const GET = route<{ slug: string }>({ role: 'admin' }, ({ ctx, params }) =>
  listWebhooks({ ctx, scope: { team: params.slug } }),
);
export const POST = route<{ slug: string }>({ role: 'admin', status: 201 }, ({ ctx, params, body }) =>
  createWebhook({ ctx, input: body, scope: { team: params.slug } }),
);

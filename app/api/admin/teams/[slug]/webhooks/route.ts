// GET /api/admin/teams/:slug/webhooks - the team's webhooks; POST - add one (admins)
import { JsonBody, pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { createWebhook } from '@/lib/server/notifications/create-webhook';
import { listWebhooks } from '@/lib/server/notifications/list-webhooks';

export const GET = route({ auth: 'user', role: 'admin', schemas: { params: pathParams('slug') } }, ({ ctx, params }) =>
  listWebhooks({ ctx, scope: { team: params.slug } }),
);
export const POST = route(
  { auth: 'user', role: 'admin', status: 201, schemas: { params: pathParams('slug'), body: JsonBody } },
  ({ ctx, params, body }) => createWebhook({ ctx, input: body, scope: { team: params.slug } }),
);

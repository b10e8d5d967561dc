// GET /api/me/webhooks - my webhooks; POST - add one (the secret is never shown again)
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { createWebhook } from '@/lib/server/notifications/create-webhook';
import { listWebhooks } from '@/lib/server/notifications/list-webhooks';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => listWebhooks({ ctx }));
export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { body: JsonBody } },
  ({ ctx, body }) => createWebhook({ ctx, input: body }),
);

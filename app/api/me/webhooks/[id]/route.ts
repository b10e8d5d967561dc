// DELETE /api/me/webhooks/:id - delete one of my webhooks
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { deleteWebhook } from '@/lib/server/notifications/delete-webhook';

export const DELETE = route(
  { auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => deleteWebhook({ ctx, input: { id: params.id } }),
);

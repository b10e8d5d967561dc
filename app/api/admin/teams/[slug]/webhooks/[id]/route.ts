// DELETE /api/admin/teams/:slug/webhooks/:id - delete a team webhook
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { deleteWebhook } from '@/lib/server/notifications/delete-webhook';

export const DELETE = route(
  { auth: 'user', role: 'admin', schemas: { params: pathParams('slug', 'id') } },
  ({ ctx, params }) => deleteWebhook({ ctx, input: { id: params.id }, scope: { team: params.slug } }),
);

// DELETE /api/admin/teams/:slug/webhooks/:id - delete a team webhook
import { route } from '@/lib/http/route';
import { deleteWebhook } from '@/lib/server/notifications/delete-webhook';

export const DELETE = route<{ slug: string; id: string }>({ role: 'admin' }, ({ ctx, params }) =>
  deleteWebhook({ ctx, input: { id: params.id }, scope: { team: params.slug } }),
);

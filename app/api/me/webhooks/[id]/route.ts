// DELETE /api/me/webhooks/:id - delete one of my webhooks
import { route } from '@/lib/http/route';
import { deleteWebhook } from '@/lib/server/notifications/delete-webhook';

export const DELETE = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  deleteWebhook({ ctx, input: { id: params.id } }),
);

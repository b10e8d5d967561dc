// GET /api/me/webhooks - my webhooks; POST - add one (the secret is never shown again)
import { route } from '@/lib/http/route';
import { createWebhook } from '@/lib/server/notifications/create-webhook';
import { listWebhooks } from '@/lib/server/notifications/list-webhooks';

export const GET = route({ role: 'viewer' }, ({ ctx }) => listWebhooks({ ctx }));
export const POST = route({ role: 'researcher', status: 201 }, ({ ctx, body }) => createWebhook({ ctx, input: body }));

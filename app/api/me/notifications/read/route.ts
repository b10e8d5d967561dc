// POST /api/me/notifications/read - mark one ({"id": 7}) or all ({"all": true}) of my notifications read
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { markNotificationsRead } from '@/lib/server/notifications/mark-notifications-read';

export const POST = route({ auth: 'user', role: 'viewer', schemas: { body: JsonBody } }, ({ ctx, body }) =>
  markNotificationsRead({ ctx, input: body }),
);

// GET /api/me/notifications - my notifications, newest first, with the unread count (?limit=&before=&unread=1)
import { route } from '@/lib/http/route';
import { listNotifications } from '@/lib/server/notifications/list-notifications';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx, query }) =>
  listNotifications({ ctx, input: query }),
);

// POST /api/me/notifications/read - mark one ({"id": 7}) or all ({"all": true}) of my notifications read
import { route } from '@/lib/http/route';
import { markNotificationsRead } from '@/lib/server/notifications/mark-notifications-read';

export const POST = route({ role: 'viewer' }, ({ ctx, body }) => markNotificationsRead({ ctx, input: body }));

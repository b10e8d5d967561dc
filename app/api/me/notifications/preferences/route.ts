// GET /api/me/notifications/preferences - which events reach me per channel; PUT - change them
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getPreferences } from '@/lib/server/notifications/get-preferences';
import { updatePreferences } from '@/lib/server/notifications/update-preferences';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => getPreferences({ ctx }));
export const PUT = route({ auth: 'user', role: 'viewer', schemas: { body: JsonBody } }, ({ ctx, body }) =>
  updatePreferences({ ctx, input: body }),
);

// GET /api/me/notifications/preferences - which events reach me per channel; PUT - change them
import { route } from '@/lib/http/route';
import { getPreferences } from '@/lib/server/notifications/get-preferences';
import { updatePreferences } from '@/lib/server/notifications/update-preferences';

export const GET = route({ role: 'viewer' }, ({ ctx }) => getPreferences({ ctx }));
export const PUT = route({ role: 'viewer' }, ({ ctx, body }) => updatePreferences({ ctx, input: body }));

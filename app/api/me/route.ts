// GET /api/me - the signed-in user (or token owner) with teams
import { route } from '@/lib/http/route';
import { getMe } from '@/lib/server/users/get-me';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => getMe({ ctx }));

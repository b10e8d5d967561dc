// POST /api/admin/teams - create a team
import { route } from '@/lib/http/route';
import { createTeam } from '@/lib/server/teams/create-team';

export const POST = route({ role: 'admin', status: 201 }, ({ ctx, body }) => createTeam({ ctx, input: body }));

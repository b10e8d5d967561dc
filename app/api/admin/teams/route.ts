// POST /api/admin/teams - create a team
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { createTeam } from '@/lib/server/teams/create-team';

export const POST = route({ auth: 'user', role: 'admin', status: 201, schemas: { body: JsonBody } }, ({ ctx, body }) =>
  createTeam({ ctx, input: body }),
);

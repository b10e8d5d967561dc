// GET /api/teams - teams with cohort and member count
import { route } from '@/lib/http/route';
import { listTeams } from '@/lib/server/teams/list-teams';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => listTeams({ ctx }));

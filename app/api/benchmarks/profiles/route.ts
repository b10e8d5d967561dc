// GET /api/benchmarks/profiles - my ranking profiles; POST - save a new one
import { JsonFields } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listRankingProfiles } from '@/lib/server/rankings/list-ranking-profiles';
import { saveRankingProfile } from '@/lib/server/rankings/save-ranking-profile';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => listRankingProfiles({ ctx }));
export const POST = route(
  { auth: 'user', role: 'viewer', status: 201, schemas: { body: JsonFields } },
  ({ ctx, body }) => saveRankingProfile({ ctx, input: { ...body, id: undefined } }),
);

// GET /api/benchmarks/profiles - my ranking profiles; POST - save a new one
import { route } from '@/lib/http/route';
import { listRankingProfiles } from '@/lib/server/rankings/list-ranking-profiles';
import { saveRankingProfile } from '@/lib/server/rankings/save-ranking-profile';

export const GET = route({ role: 'viewer' }, ({ ctx }) => listRankingProfiles({ ctx }));
export const POST = route({ role: 'viewer', status: 201 }, ({ ctx, body }) =>
  saveRankingProfile({ ctx, input: { ...(body as object), id: undefined } }),
);

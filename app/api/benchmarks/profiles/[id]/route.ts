// PUT /api/benchmarks/profiles/:id - replace one of my profiles; DELETE - delete it
import { route } from '@/lib/http/route';
import { deleteRankingProfile } from '@/lib/server/rankings/delete-ranking-profile';
import { saveRankingProfile } from '@/lib/server/rankings/save-ranking-profile';

export const PUT = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params, body }) =>
  saveRankingProfile({ ctx, input: { ...(body as object), id: params.id } }),
);
export const DELETE = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  deleteRankingProfile({ ctx, input: { id: params.id } }),
);

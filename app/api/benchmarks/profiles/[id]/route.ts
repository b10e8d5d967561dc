// PUT /api/benchmarks/profiles/:id - replace one of my profiles; DELETE - delete it
import { JsonFields, pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { deleteRankingProfile } from '@/lib/server/rankings/delete-ranking-profile';
import { saveRankingProfile } from '@/lib/server/rankings/save-ranking-profile';

export const PUT = route(
  { auth: 'user', role: 'viewer', schemas: { params: pathParams('id'), body: JsonFields } },
  ({ ctx, params, body }) => saveRankingProfile({ ctx, input: { ...body, id: params.id } }),
);
export const DELETE = route(
  { auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => deleteRankingProfile({ ctx, input: { id: params.id } }),
);

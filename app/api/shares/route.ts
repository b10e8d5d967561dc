// GET /api/shares?datasetId= - my share links; POST - snapshot a ranking behind a new link
import { route } from '@/lib/http/route';
import { createShare } from '@/lib/server/shares/create-share';
import { listShares } from '@/lib/server/shares/list-shares';

export const GET = route({ role: 'viewer' }, ({ ctx, query }) =>
  listShares({ ctx, input: { datasetId: query.get('datasetId') ?? undefined } }),
);
export const POST = route({ role: 'researcher', status: 201 }, ({ ctx, body }) => createShare({ ctx, input: body }));

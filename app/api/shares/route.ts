// GET /api/shares?datasetId= - my share links; POST - snapshot a ranking behind a new link
import { JsonBody, queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { createShare } from '@/lib/server/shares/create-share';
import { listShares } from '@/lib/server/shares/list-shares';

export const GET = route(
  { auth: 'user', role: 'viewer', schemas: { query: queryParams('datasetId') } },
  ({ ctx, query }) => listShares({ ctx, input: query }),
);
export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { body: JsonBody } },
  ({ ctx, body }) => createShare({ ctx, input: body }),
);

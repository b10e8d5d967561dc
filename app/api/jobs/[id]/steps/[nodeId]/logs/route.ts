// GET /api/jobs/:id/steps/:nodeId/logs?tailLines=500 - a step's log, live from its pod or the stored copy
import { pathParams, queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getStepLog } from '@/lib/server/workflows/get-step-log';

export const GET = route(
  { auth: 'user', role: 'viewer', schemas: { params: pathParams('id', 'nodeId'), query: queryParams('tailLines') } },
  ({ ctx, params, query }) => getStepLog({ ctx, input: { ...params, ...query } }),
);

// POST /api/benchmarks/datasets/:id/results-token - issue (or replace) the token sweep steps post results with
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { issueResultsToken } from '@/lib/server/benchmarks/issue-results-token';

export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { params: pathParams('id') } },
  ({ ctx, params }) => issueResultsToken({ ctx, input: { id: params.id } }),
);

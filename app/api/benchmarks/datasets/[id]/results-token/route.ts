// POST /api/benchmarks/datasets/:id/results-token - issue (or replace) the token sweep steps post results with
import { route } from '@/lib/http/route';
import { issueResultsToken } from '@/lib/server/benchmarks/issue-results-token';

export const POST = route<{ id: string }>({ role: 'researcher', status: 201 }, ({ ctx, params }) =>
  issueResultsToken({ ctx, input: { id: params.id } }),
);

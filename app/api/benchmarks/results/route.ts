// POST /api/benchmarks/results - a sweep step posts one result with its dataset's Bearer gbr_ token
// GET /api/benchmarks/results - the configuration ids that already have a result (what a step skips)
import { NextResponse } from 'next/server';
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listStoredConfigurations } from '@/lib/server/benchmarks/list-stored-configurations';
import { postBenchmarkResult } from '@/lib/server/benchmarks/post-benchmark-result';

export const POST = route({ auth: 'results-token', schemas: { body: JsonBody } }, async ({ ctx, body, token }) => {
  const posted = await postBenchmarkResult({ ctx, input: { token, result: body } });
  return NextResponse.json(posted, { status: posted.created ? 201 : 200 });
});

export const GET = route({ auth: 'results-token' }, ({ ctx, token }) =>
  listStoredConfigurations({ ctx, input: { token } }),
);

// POST /api/benchmarks/results - a sweep step posts one result with its dataset's Bearer gbr_ token
// GET /api/benchmarks/results - the configuration ids that already have a result (what a step skips)
import { NextResponse } from 'next/server';
import { publicRoute } from '@/lib/http/public-route';
import { listStoredConfigurations } from '@/lib/server/benchmarks/list-stored-configurations';
import { postBenchmarkResult } from '@/lib/server/benchmarks/post-benchmark-result';

export const POST = publicRoute(async ({ ctx, body, bearer }) => {
  const posted = await postBenchmarkResult({ ctx, input: { token: bearer, result: body } });
  return NextResponse.json(posted, { status: posted.created ? 201 : 200 });
});

export const GET = publicRoute(({ ctx, bearer }) => listStoredConfigurations({ ctx, input: { token: bearer } }));

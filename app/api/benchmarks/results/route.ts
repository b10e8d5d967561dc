// POST /api/benchmarks/results - a sweep step posts one result with its dataset's Bearer gbr_ token
import { NextResponse } from 'next/server';
import { publicRoute } from '@/lib/http/public-route';
import { postBenchmarkResult } from '@/lib/server/benchmarks/post-benchmark-result';

export const POST = publicRoute(async ({ ctx, body, bearer }) => {
  const posted = await postBenchmarkResult({ ctx, input: { token: bearer, result: body } });
  return NextResponse.json(posted, { status: posted.created ? 201 : 200 });
});

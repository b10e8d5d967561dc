// GET /api/jobs - the queue and job history (filters: team, user, state, gpuKind; page, pageSize)
// POST /api/jobs - submit a job (201); ?dryRun=1 answers whether and when it would run, storing nothing
import { NextResponse } from 'next/server';
import { route } from '@/lib/http/route';
import { listJobs } from '@/lib/server/jobs/list-jobs';
import { submitJob } from '@/lib/server/jobs/submit-job';

export const GET = route({ role: 'viewer' }, ({ ctx, query }) => listJobs({ ctx, input: Object.fromEntries(query) }));

export const POST = route({ role: 'viewer', status: 201 }, async ({ ctx, body, query }) => {
  const dryRun = ['1', 'true'].includes(query.get('dryRun') ?? '');
  const result = await submitJob({ ctx, input: body, dryRun });
  return dryRun ? NextResponse.json(result, { status: 200 }) : result;
});

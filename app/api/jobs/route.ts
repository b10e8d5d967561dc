// GET /api/jobs - the queue and job history (filters: team, user, state, gpuKind; page, pageSize)
// POST /api/jobs - submit a job (201); ?dryRun=1 answers whether and when it would run, storing nothing
import { NextResponse } from 'next/server';
import { JsonBody, queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listJobs } from '@/lib/server/jobs/list-jobs';
import { submitJob } from '@/lib/server/jobs/submit-job';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx, query }) => listJobs({ ctx, input: query }));

export const POST = route(
  { auth: 'user', role: 'researcher', status: 201, schemas: { query: queryParams('dryRun'), body: JsonBody } },
  async ({ ctx, body, query }) => {
    const dryRun = query.dryRun === '1' || query.dryRun === 'true';
    const result = await submitJob({ ctx, input: body, dryRun });
    return dryRun ? NextResponse.json(result, { status: 200 }) : result;
  },
);

// GET /api/jobs/:id/workflow - the live DAG of the job's Workflow (from the last synced status)
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getJobWorkflow } from '@/lib/server/workflows/get-job-workflow';

export const GET = route({ auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } }, ({ ctx, params }) =>
  getJobWorkflow({ ctx, input: { id: params.id } }),
);

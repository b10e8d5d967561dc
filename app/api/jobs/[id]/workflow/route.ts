// GET /api/jobs/:id/workflow - the live DAG of the job's Workflow (from the last synced status)
import { route } from '@/lib/http/route';
import { getJobWorkflow } from '@/lib/server/workflows/get-job-workflow';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  getJobWorkflow({ ctx, input: { id: params.id } }),
);

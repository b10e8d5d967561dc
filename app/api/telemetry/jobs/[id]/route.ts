// GET /api/telemetry/jobs/:id - the GPUs a job held, how hard it used them, and any idle flag
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getJobGpuUsage } from '@/lib/server/telemetry/get-job-gpu-usage';

export const GET = route({ auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } }, ({ ctx, params }) =>
  getJobGpuUsage({ ctx, input: { jobId: params.id } }),
);

// GET /api/telemetry/jobs/:id - the GPUs a job held, how hard it used them, and any idle flag
import { route } from '@/lib/http/route';
import { getJobGpuUsage } from '@/lib/server/telemetry/get-job-gpu-usage';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  getJobGpuUsage({ ctx, input: { jobId: params.id } }),
);

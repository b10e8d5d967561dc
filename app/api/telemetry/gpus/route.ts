// GET /api/telemetry/gpus?pool=...&node=... - GPUs seen by telemetry with their latest reading
import { queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { listGpuDevices } from '@/lib/server/telemetry/list-gpu-devices';

export const GET = route(
  { auth: 'user', role: 'viewer', schemas: { query: queryParams('pool', 'node') } },
  ({ ctx, query }) => listGpuDevices({ ctx, input: query }),
);

// GET /api/telemetry/gpus?pool=...&node=... - GPUs seen by telemetry with their latest reading
import { route } from '@/lib/http/route';
import { listGpuDevices } from '@/lib/server/telemetry/list-gpu-devices';

export const GET = route({ role: 'viewer' }, ({ ctx, query }) =>
  listGpuDevices({ ctx, input: { pool: query.get('pool') ?? undefined, node: query.get('node') ?? undefined } }),
);

// GET /api/telemetry/heatmap?pool=...&range=1h|24h|7d|30d - GPUs x time utilization grid for one pool
import { route } from '@/lib/http/route';
import { getPoolHeatmap } from '@/lib/server/telemetry/get-pool-heatmap';

export const GET = route({ role: 'viewer' }, ({ ctx, query }) =>
  getPoolHeatmap({ ctx, input: { pool: query.get('pool'), range: query.get('range') ?? undefined } }),
);

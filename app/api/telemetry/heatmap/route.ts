// GET /api/telemetry/heatmap?pool=...&range=1h|24h|7d|30d - GPUs x time utilization grid for one pool
import { queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getPoolHeatmap } from '@/lib/server/telemetry/get-pool-heatmap';

export const GET = route(
  { auth: 'user', role: 'viewer', schemas: { query: queryParams('pool', 'range') } },
  ({ ctx, query }) => getPoolHeatmap({ ctx, input: query }),
);

// GET /api/telemetry/series?scope=gpu|node|pool|job|team&id=...&range=1h|24h|7d|30d&metric=util|fb|power - one chart series (<= 1,000 points)
import { queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { querySeries } from '@/lib/server/telemetry/query-series';

export const GET = route(
  { auth: 'user', role: 'viewer', schemas: { query: queryParams('scope', 'id', 'range', 'metric') } },
  ({ ctx, query }) => querySeries({ ctx, input: query }),
);

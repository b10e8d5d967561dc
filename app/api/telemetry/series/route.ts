// GET /api/telemetry/series?scope=gpu|node|pool|job|team&id=...&range=1h|24h|7d|30d&metric=util|fb|power - one chart series (<= 1,000 points)
import { route } from '@/lib/http/route';
import { querySeries } from '@/lib/server/telemetry/query-series';

export const GET = route({ role: 'viewer' }, ({ ctx, query }) =>
  querySeries({
    ctx,
    input: {
      scope: query.get('scope'),
      id: query.get('id'),
      range: query.get('range') ?? undefined,
      metric: query.get('metric') ?? undefined,
    },
  }),
);

// POST /api/rankings - TOPSIS closeness, rank and Pareto rank for a matrix of alternatives
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { rankConfigurations } from '@/lib/server/rankings/rank-configurations';

export const POST = route({ auth: 'user', role: 'viewer', schemas: { body: JsonBody } }, ({ ctx, body }) =>
  rankConfigurations({ ctx, input: body }),
);

// POST /api/rankings - TOPSIS closeness, rank and Pareto rank for a matrix of alternatives
import { route } from '@/lib/http/route';
import { rankConfigurations } from '@/lib/server/rankings/rank-configurations';

export const POST = route({ role: 'viewer' }, ({ ctx, body }) => rankConfigurations({ ctx, input: body }));

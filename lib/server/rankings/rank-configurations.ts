import { rankAlternatives, RankingRequest, type RankingResult } from '@/lib/domain/ranking/rank';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';

/** TOPSIS + Pareto ranking of an explicit matrix (POST /api/rankings); stores nothing. */
export async function rankConfigurations({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RankingResult> {
  requireRole(ctx, 'viewer');
  return rankAlternatives(parseInput(RankingRequest, input));
}

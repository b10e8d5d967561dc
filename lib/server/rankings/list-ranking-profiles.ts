import { asc, eq } from 'drizzle-orm';
import { rankingProfiles } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { toProfileView, type RankingProfileView } from './profile-view';

/** The caller's own saved ranking profiles, by name. Nobody lists another user's profiles. */
export async function listRankingProfiles({ ctx }: { ctx: Ctx }): Promise<RankingProfileView[]> {
  requireRole(ctx, 'viewer');
  const rows = await ctx.db
    .select()
    .from(rankingProfiles)
    .where(eq(rankingProfiles.userId, ctx.actor.id))
    .orderBy(asc(rankingProfiles.name));
  return rows.map(toProfileView);
}

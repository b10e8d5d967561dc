import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { rankingProfiles } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { parseInput } from '../validate';
import { toProfileView, type RankingProfileView } from './profile-view';

const SaveRankingProfileInput = z.object({
  /** absent: create; present: replace that profile of the caller */
  id: z.string().uuid('Not a profile id').optional(),
  name: z.string().trim().min(1, 'Give the profile a name').max(80, 'At most 80 characters'),
  settings: RankingSettings,
});
type SaveRankingProfileInput = z.infer<typeof SaveRankingProfileInput>;

/** Creates or updates one of the caller's ranking profiles; names are unique per user. */
export async function saveRankingProfile({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RankingProfileView> {
  requireRole(ctx, 'viewer');
  const { id, name, settings } = parseInput(SaveRankingProfileInput, input);
  const [clash] = await ctx.db
    .select({ id: rankingProfiles.id })
    .from(rankingProfiles)
    .where(and(eq(rankingProfiles.userId, ctx.actor.id), eq(rankingProfiles.name, name)));
  if (clash && clash.id !== id)
    throw conflict(`You already have a profile named "${name}"`, [{ field: 'name', message: 'already taken' }]);
  const values = { name, ...settings };
  if (!id) {
    const [row] = await ctx.db
      .insert(rankingProfiles)
      .values({ ...values, userId: ctx.actor.id })
      .returning();
    return toProfileView(row);
  }
  const [row] = await ctx.db
    .update(rankingProfiles)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(rankingProfiles.id, id), eq(rankingProfiles.userId, ctx.actor.id)))
    .returning();
  if (!row) throw notFound('Ranking profile');
  return toProfileView(row);
}

import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { rankingProfiles } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';

const DeleteRankingProfileInput = z.object({ id: z.string().uuid('Not a profile id') });
type DeleteRankingProfileInput = z.infer<typeof DeleteRankingProfileInput>;

export async function deleteRankingProfile({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string }> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(DeleteRankingProfileInput, input);
  const [row] = await ctx.db
    .delete(rankingProfiles)
    .where(and(eq(rankingProfiles.id, id), eq(rankingProfiles.userId, ctx.actor.id)))
    .returning({ id: rankingProfiles.id });
  if (!row) throw notFound('Ranking profile');
  return row;
}

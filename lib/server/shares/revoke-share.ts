import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { shareLinks } from '@/lib/db/schema';
import { hasRole, requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { toShareView, type ShareView } from './share-view';

const RevokeShareInput = z.object({ id: z.string().uuid('Not a share id') });
type RevokeShareInput = z.infer<typeof RevokeShareInput>;

/** Revokes a share link (its creator or an admin); the public page answers 404 from then on. Revoking twice is harmless. */
export async function revokeShare({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ShareView> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(RevokeShareInput, input);
  const [share] = await ctx.db.select().from(shareLinks).where(eq(shareLinks.id, id));
  // Someone else's link does not exist for them, as with tokens and ranking profiles.
  if (!share || (share.createdBy !== ctx.actor.id && !hasRole(ctx.actor, 'admin'))) throw notFound('Share link');
  const [row] = await ctx.db
    .update(shareLinks)
    .set({ revokedAt: new Date() })
    .where(and(eq(shareLinks.id, id), isNull(shareLinks.revokedAt)))
    .returning();
  return toShareView(row ?? share);
}

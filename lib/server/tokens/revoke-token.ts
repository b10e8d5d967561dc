import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { apiTokens } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { toTokenView, type TokenView } from './token-view';

const RevokeTokenInput = z.object({ id: z.string().uuid('Not a token id') });
type RevokeTokenInput = z.infer<typeof RevokeTokenInput>;

/** Revokes one of the caller's tokens; revoking twice is harmless. */
export async function revokeToken({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TokenView> {
  const { id } = parseInput(RevokeTokenInput, input);
  const mine = and(eq(apiTokens.id, id), eq(apiTokens.userId, ctx.actor.id));
  const [row] = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(mine, isNull(apiTokens.revokedAt)))
    .returning();
  if (row) return toTokenView(row);
  const [existing] = await ctx.db.select().from(apiTokens).where(mine).limit(1);
  if (!existing) throw notFound('Token');
  return toTokenView(existing);
}

import { desc, eq } from 'drizzle-orm';
import { apiTokens } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { toTokenView, type TokenView } from './token-view';

/** The caller's own tokens, newest first. Nobody lists another user's tokens. */
export async function listTokens({ ctx }: { ctx: Ctx }): Promise<TokenView[]> {
  const rows = await ctx.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, ctx.actor.id))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(toTokenView);
}

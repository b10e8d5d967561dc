import { and, desc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { shareLinks } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { toShareView, type ShareView } from './share-view';

const ListSharesInput = z.object({ datasetId: z.string().uuid('Not a dataset id').optional() });
type ListSharesInput = z.infer<typeof ListSharesInput>;

/** The caller's own share links (optionally of one dataset), newest first. Tokens are never listed. */
export async function listShares({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ShareView[]> {
  requireRole(ctx, 'viewer');
  const { datasetId } = parseInput(ListSharesInput, input ?? {});
  const where: SQL[] = [eq(shareLinks.createdBy, ctx.actor.id)];
  if (datasetId) where.push(eq(shareLinks.datasetId, datasetId));
  const rows = await ctx.db
    .select()
    .from(shareLinks)
    .where(and(...where))
    .orderBy(desc(shareLinks.createdAt));
  return rows.map(toShareView);
}

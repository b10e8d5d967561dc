import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { notifications } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';

const MarkReadInput = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ id: z.number().int().positive({ error: 'Not a notification id' }) }).strict(),
]);

/** Marks one of my notifications read (404 if it is not mine), or all of them. */
export async function markNotificationsRead({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ marked: number }> {
  requireRole(ctx, 'viewer');
  const data = parseInput(MarkReadInput, input);
  const mine = eq(notifications.userId, ctx.actor.id);
  if ('all' in data) {
    const done = await ctx.db
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(mine, isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    return { marked: done.length };
  }
  const [row] = await ctx.db
    .select({ id: notifications.id, readAt: notifications.readAt })
    .from(notifications)
    .where(and(mine, eq(notifications.id, data.id)));
  if (!row) throw notFound('Notification');
  if (row.readAt) return { marked: 0 };
  await ctx.db.update(notifications).set({ readAt: new Date() }).where(eq(notifications.id, row.id));
  return { marked: 1 };
}

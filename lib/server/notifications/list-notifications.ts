import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { notifications } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';

const ListNotificationsInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** the id of the last one of the previous page */
  before: z.coerce.number().int().positive().optional(),
  unread: z.enum(['1', 'true']).optional(),
});

export interface NotificationView {
  id: number;
  event: string;
  message: string;
  url: string;
  jobId: number | null;
  createdAt: string;
  read: boolean;
}

/** My console notifications, newest first, and how many are unread (the bell). */
export async function listNotifications({
  ctx,
  input,
}: {
  ctx: Ctx;
  input?: unknown;
}): Promise<{ unread: number; items: NotificationView[] }> {
  requireRole(ctx, 'viewer');
  const q = parseInput(ListNotificationsInput, input ?? {});
  const mine = eq(notifications.userId, ctx.actor.id);
  const items = await ctx.db
    .select()
    .from(notifications)
    .where(
      and(
        mine,
        q.before ? lt(notifications.id, q.before) : undefined,
        q.unread ? isNull(notifications.readAt) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(q.limit);
  const [{ n }] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(mine, isNull(notifications.readAt)));
  return {
    unread: Number(n),
    items: items.map((r) => ({
      id: r.id,
      event: r.event,
      message: r.message,
      url: r.url,
      jobId: r.jobId,
      createdAt: r.createdAt.toISOString(),
      read: r.readAt !== null,
    })),
  };
}

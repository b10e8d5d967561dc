// Keeps the notification tables bounded: dispatched outbox rows after 14 days (longer than a weekly
// budget's dedupe key needs), finished deliveries after 30 days, console notifications after 90.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';

export async function pruneNotifications(ctx: Ctx, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await ctx.db.execute(
    sql`delete from notification_outbox where dispatched_at < ${at}::timestamptz - interval '14 days'`,
  );
  await ctx.db.execute(
    sql`delete from notification_deliveries where status <> 'pending' and created_at < ${at}::timestamptz - interval '30 days'`,
  );
  await ctx.db.execute(sql`delete from notifications where created_at < ${at}::timestamptz - interval '90 days'`);
}

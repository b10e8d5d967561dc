import { desc, eq } from 'drizzle-orm';
import { notificationDeliveries } from '@/lib/db/schema';
import { getScopedWebhook, type OneWebhookArgs } from './webhook-scope';

export interface DeliveryView {
  id: string;
  event: string;
  events: number;
  status: 'pending' | 'delivered' | 'failed';
  statusCode: number | null;
  attempts: number;
  durationMs: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

/** The webhook's latest 100 deliveries, newest first. */
export async function listDeliveries({ ctx, input, scope }: OneWebhookArgs): Promise<DeliveryView[]> {
  const hook = await getScopedWebhook(ctx, scope, input.id);
  const found = await ctx.db
    .select()
    .from(notificationDeliveries)
    .where(eq(notificationDeliveries.webhookId, hook.id))
    .orderBy(desc(notificationDeliveries.createdAt))
    .limit(100);
  return found.map((d) => ({
    id: d.id,
    event: d.eventCount > 1 ? 'digest' : d.event,
    events: d.eventCount,
    status: d.status,
    statusCode: d.lastStatusCode,
    attempts: d.attempts,
    durationMs: d.durationMs,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  }));
}

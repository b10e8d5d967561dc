import { notificationDeliveries, notificationDeliveryItems } from '@/lib/db/schema';
import type { NotificationEvent } from '@/lib/domain/notifications/payload';
import { requireRole } from '../context';
import { jsonBody, slackBody } from '@/lib/domain/notifications/payload';
import { consoleUrl } from './load-events';
import { openSecret } from './secret-box';
import { sendWebhook } from './send-webhook';
import { getScopedWebhook, type OneWebhookArgs } from './webhook-scope';

/**
 * Sends one test message now and answers how the receiver took it; recorded among the
 * deliveries (never retried). Its X-Gantry-Event is `webhook.test`.
 */
export async function testWebhook({ ctx, input, scope }: OneWebhookArgs) {
  requireRole(ctx, 'researcher');
  const hook = await getScopedWebhook(ctx, scope, input.id);
  const id = crypto.randomUUID();
  const at = new Date();
  const event = {
    eventId: 0,
    event: 'webhook.test',
    at: at.toISOString(),
    message: `Test of webhook "${hook.name}" from Gantry, sent by ${ctx.actor.email}.`,
    url: consoleUrl('/settings'),
  };
  const asEvent = event as unknown as NotificationEvent;
  const body = JSON.stringify(
    hook.format === 'slack' ? { ...slackBody([asEvent]), text: event.message } : jsonBody(id, [asEvent]),
  );
  const secret = hook.secretSealed ? openSecret(hook.secretSealed) : null;
  const result = await sendWebhook({ url: hook.url, deliveryId: id, eventHeader: 'webhook.test', body, secret });
  await ctx.db.insert(notificationDeliveries).values({
    id,
    channel: 'webhook',
    webhookId: hook.id,
    // its own target: a test does not push the next real delivery a digest window back
    target: `test:${hook.id}`,
    event: 'webhook.test',
    eventCount: 1,
    status: result.ok ? 'delivered' : 'failed',
    attempts: 1,
    nextAttemptAt: at,
    lastStatusCode: result.statusCode,
    lastError: result.error,
    durationMs: result.durationMs,
    createdAt: at,
    deliveredAt: result.ok ? new Date() : null,
  });
  await ctx.db.insert(notificationDeliveryItems).values({ deliveryId: id, event });
  return { id, ok: result.ok, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error };
}

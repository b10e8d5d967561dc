// Sends the deliveries that are due: at least once, with exponential backoff for 24 h, then failed.
import { eq, inArray, sql } from 'drizzle-orm';
import { notificationDeliveries, notificationDeliveryItems, users, webhooks } from '@/lib/db/schema';
import { rows } from '@/lib/db/driver-row';
import {
  emailMessage,
  headerEvent,
  jsonBody,
  slackBody,
  type NotificationEvent,
} from '@/lib/domain/notifications/payload';
import { nextRetryAt } from '@/lib/domain/notifications/schedule';
import type { AllowList } from '@/lib/domain/notifications/destination';
import type { Ctx } from '../context';
import { openSecret } from './secret-box';
import { sendEmail } from './send-email';
import { sendWebhook, webhookAllowList } from './send-webhook';

// A pass sends at most two rounds of 16 (10 s timeout each): well inside the worker's liveness
// window for a 1-second loop (3 x interval + 60 s), however slow the receivers.
const BATCH = 32;
const CONCURRENCY = 16;
/** A claimed delivery whose sender died is tried again after this lease (at least once). */
const LEASE = '2 minutes';

interface Claimed {
  id: string;
  channel: 'webhook' | 'email';
  webhook_id: string | null;
  user_id: string | null;
  events?: NotificationEvent[];
  attempts: number;
  created_at: Date;
}

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface DeliverOptions {
  now?: Date;
  allow?: AllowList | null;
}

export async function deliverDue(
  ctx: Ctx,
  opts: DeliverOptions = {},
): Promise<{ delivered: number; retried: number; failed: number }> {
  const now = opts.now ?? new Date();
  // Claiming counts the attempt and leases the row in one statement: a digest stops gathering
  // events (planDelivery appends only while attempts = 0) and a second worker skips it.
  const claimed = await rows<Claimed>(
    ctx.db,
    sql`update notification_deliveries d set attempts = d.attempts + 1, next_attempt_at = ${now.toISOString()}::timestamptz + interval '${sql.raw(LEASE)}'
        where d.id in (select id from notification_deliveries where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
                       order by next_attempt_at limit ${BATCH} for update skip locked)
        returning d.id, d.channel, d.webhook_id, d.user_id, d.attempts, d.created_at`,
  );
  const result = { delivered: 0, retried: 0, failed: 0 };
  if (claimed.length) {
    const items = await ctx.db
      .select({ deliveryId: notificationDeliveryItems.deliveryId, event: notificationDeliveryItems.event })
      .from(notificationDeliveryItems)
      .where(
        inArray(
          notificationDeliveryItems.deliveryId,
          claimed.map((c) => c.id),
        ),
      )
      .orderBy(notificationDeliveryItems.id);
    for (const c of claimed)
      c.events = items.filter((i) => i.deliveryId === c.id).map((i) => i.event as unknown as NotificationEvent);
  }
  const allow = opts.allow === undefined ? webhookAllowList() : opts.allow;
  for (let i = 0; i < claimed.length; i += CONCURRENCY) {
    await Promise.all(
      claimed.slice(i, i + CONCURRENCY).map(async (d) => {
        const outcome = await attempt(ctx, d, allow);
        const at = new Date();
        if (outcome.ok) {
          result.delivered += 1;
          await ctx.db
            .update(notificationDeliveries)
            .set({
              status: 'delivered',
              deliveredAt: at,
              lastStatusCode: outcome.statusCode,
              lastError: null,
              durationMs: outcome.durationMs,
            })
            .where(eq(notificationDeliveries.id, d.id));
          return;
        }
        const retryAt = nextRetryAt(d.attempts, new Date(d.created_at), at);
        if (retryAt) result.retried += 1;
        else result.failed += 1;
        await ctx.db
          .update(notificationDeliveries)
          .set({
            status: retryAt ? 'pending' : 'failed',
            nextAttemptAt: retryAt ?? at,
            lastStatusCode: outcome.statusCode,
            lastError: outcome.error,
            durationMs: outcome.durationMs,
          })
          .where(eq(notificationDeliveries.id, d.id));
        ctx.log.warn(
          { delivery: d.id, attempts: d.attempts, error: outcome.error, final: !retryAt },
          'notification delivery failed',
        );
      }),
    );
  }
  return result;
}

async function attempt(ctx: Ctx, d: Claimed, allow: AllowList | null): Promise<Outcome> {
  if (d.channel === 'email') {
    const [user] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, d.user_id!));
    if (!user) return { ok: false, statusCode: null, durationMs: 0, error: 'The recipient no longer exists' };
    return { ...(await sendEmail(user.email, emailMessage(d.events!), d.id)), statusCode: null };
  }
  const [hook] = await ctx.db.select().from(webhooks).where(eq(webhooks.id, d.webhook_id!));
  if (!hook) return { ok: false, statusCode: null, durationMs: 0, error: 'The webhook was deleted' };
  const secret = hook.secretSealed ? openSecret(hook.secretSealed) : null;
  if (hook.secretSealed && secret === null) {
    return {
      ok: false,
      statusCode: null,
      durationMs: 0,
      error: 'The secret cannot be opened (the encryption key changed): create the webhook again',
    };
  }
  const body = JSON.stringify(hook.format === 'slack' ? slackBody(d.events!) : jsonBody(d.id, d.events!));
  return sendWebhook({ url: hook.url, deliveryId: d.id, eventHeader: headerEvent(d.events!), body, secret }, allow);
}

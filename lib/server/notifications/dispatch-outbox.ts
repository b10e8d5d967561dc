// The outbox's consumer: each pending event becomes console notifications for its recipients and
// joins a delivery per webhook and mailbox (a burst gathers into one digest), all in one
// transaction with stamping the events dispatched, so a crash repeats a batch but never halves it.
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { rows } from '@/lib/db/driver-row';
import {
  memberships,
  notificationDeliveries,
  notificationDeliveryItems,
  notificationOutbox,
  notifications,
  users,
  webhooks,
} from '@/lib/db/schema';
import { env } from '@/lib/env';
import type { NotificationEvent } from '@/lib/domain/notifications/payload';
import { audienceOf, userWants, webhookWants, type Preferences } from '@/lib/domain/notifications/recipients';
import { DIGEST_MAX_EVENTS, planDelivery, type LatestDelivery } from '@/lib/domain/notifications/schedule';
import { inTransaction, type Ctx } from '../context';
import { loadEvents, type LoadedEvent } from './load-events';
import { loadPreferences } from './preferences';
import { recordSweepFinished } from './record-sweep-finished';

const BATCH = 500;

interface Target {
  channel: 'webhook' | 'email';
  target: string;
  webhookId: string | null;
  userId: string | null;
  events: NotificationEvent[];
}

/** Who may hear of a batch: recipients per event, their preferences, and the webhooks in play. */
interface Audience {
  recipientsOf(e: LoadedEvent): string[];
  prefs: Map<string, Preferences>;
  hooks: Array<{ id: string; userId: string | null; teamId: string | null; events: string[] }>;
}

/** Dispatches up to one batch of the outbox; answers how many events it took. */
export async function dispatchOutbox(
  ctx: Ctx,
  now = new Date(),
): Promise<{ events: number; notifications: number; deliveries: number }> {
  return inTransaction(ctx, async ({ db }) => {
    const pending = await db
      .select({ id: notificationOutbox.id })
      .from(notificationOutbox)
      .where(isNull(notificationOutbox.dispatchedAt))
      .orderBy(notificationOutbox.id)
      .limit(BATCH)
      .for('update', { skipLocked: true });
    if (!pending.length) return { events: 0, notifications: 0, deliveries: 0 };
    const ids = pending.map((p) => p.id);
    const loaded = (await loadEvents(db, ids)).filter((e) => e.notification);
    // A sweep's job ending well also finishes the sweep: its own event, dispatched next batch.
    for (const e of loaded)
      if (e.notification!.event === 'job.succeeded' && e.jobKind === 'benchmark')
        await recordSweepFinished(db, e.notification!.job!.id, e.outboxId);

    const { consoleRows, targets } = routeEvents(loaded, await loadAudience(db, loaded), !!env().SMTP_URL);
    if (consoleRows.length) await db.insert(notifications).values(consoleRows).onConflictDoNothing();
    const deliveries = await planTargets(db, targets, now);
    await db.update(notificationOutbox).set({ dispatchedAt: now }).where(inArray(notificationOutbox.id, ids));
    return { events: ids.length, notifications: consoleRows.length, deliveries };
  });
}

/** Job events go to the owner; budget events to the team's researchers and admins. */
async function loadAudience(db: DbOrTx, loaded: LoadedEvent[]): Promise<Audience> {
  const teamIds = [...new Set(loaded.map((e) => e.teamId).filter((t): t is string => !!t))];
  const budgetTeams = [
    ...new Set(
      loaded
        .filter((e) => audienceOf(e.notification!.event) === 'team')
        .map((e) => e.teamId!)
        .filter(Boolean),
    ),
  ];
  const members = budgetTeams.length
    ? await db
        .select({ teamId: memberships.teamId, userId: memberships.userId })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            inArray(memberships.teamId, budgetTeams),
            isNull(users.disabledAt),
            inArray(users.role, ['researcher', 'admin']),
          ),
        )
    : [];
  const recipientsOf = (e: LoadedEvent): string[] =>
    audienceOf(e.notification!.event) === 'team'
      ? members.filter((m) => m.teamId === e.teamId).map((m) => m.userId)
      : e.ownerId
        ? [e.ownerId]
        : [];
  // A disabled account hears nothing: no console rows, no e-mail, and its webhooks stay silent.
  const named = [...new Set(loaded.flatMap(recipientsOf))];
  const active = named.length
    ? await db
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, named), isNull(users.disabledAt)))
    : [];
  const userIds = active.map((u) => u.id);
  const prefs = await loadPreferences(db, userIds);
  const hooks =
    userIds.length || teamIds.length
      ? await db
          .select({ id: webhooks.id, userId: webhooks.userId, teamId: webhooks.teamId, events: webhooks.events })
          .from(webhooks)
          .where(
            or(
              userIds.length ? inArray(webhooks.userId, userIds) : sql`false`,
              teamIds.length ? inArray(webhooks.teamId, teamIds) : sql`false`,
            ),
          )
      : [];
  return { recipientsOf, prefs, hooks };
}

/** Each event as console rows and entries for the webhooks and mailboxes that want it. */
function routeEvents(loaded: LoadedEvent[], { recipientsOf, prefs, hooks }: Audience, emailOn: boolean) {
  const consoleRows: Array<typeof notifications.$inferInsert> = [];
  const targets = new Map<string, Target>();
  const add = (t: Omit<Target, 'events'>, n: NotificationEvent) => {
    const found = targets.get(t.target) ?? { ...t, events: [] };
    found.events.push(n);
    targets.set(t.target, found);
  };
  for (const e of loaded) {
    const n = e.notification!;
    const facts = { event: n.event, runtimeSeconds: e.runtimeSeconds };
    for (const userId of recipientsOf(e)) {
      const p = prefs.get(userId);
      if (!p) continue;
      if (userWants(p.consoleEvents, p, facts)) {
        consoleRows.push({
          userId,
          outboxId: e.outboxId,
          event: n.event,
          jobId: n.job?.id ?? null,
          message: n.message,
          url: n.url,
          createdAt: new Date(n.at),
        });
      }
      if (emailOn && userWants(p.emailEvents, p, facts))
        add({ channel: 'email', target: `email:${userId}`, webhookId: null, userId }, n);
      for (const h of hooks)
        if (h.userId === userId && webhookWants(h.events, facts))
          add({ channel: 'webhook', target: h.id, webhookId: h.id, userId: null }, n);
    }
    for (const h of hooks)
      if (h.teamId && h.teamId === e.teamId && webhookWants(h.events, facts))
        add({ channel: 'webhook', target: h.id, webhookId: h.id, userId: null }, n);
  }
  return { consoleRows, targets: [...targets.values()] };
}

/** Appends each target's events to its unsent delivery, or creates one (planDelivery). */
async function planTargets(db: DbOrTx, targets: Target[], now: Date): Promise<number> {
  if (!targets.length) return 0;
  const latest = await loadLatestDeliveries(db, targets);
  const items: DeliveryItem[] = [];
  let created = 0;
  for (const t of targets) created += await queueEvents(db, t, latest.get(t.target) ?? null, now, items);
  for (let i = 0; i < items.length; i += 2_000)
    await db.insert(notificationDeliveryItems).values(items.slice(i, i + 2_000));
  return created;
}

type DeliveryItem = { deliveryId: string; event: Record<string, unknown> };

/** The newest delivery of each target. */
async function loadLatestDeliveries(db: DbOrTx, targets: Target[]): Promise<Map<string, LatestDelivery>> {
  const latest = await rows<{
    id: string;
    target: string;
    status: LatestDelivery['status'];
    attempts: number;
    event_count: number;
    created_at: Date;
  }>(
    db,
    sql`select distinct on (target) id, target, status, attempts, event_count, created_at
        from notification_deliveries where target = any(${`{${targets.map((t) => `"${t.target}"`).join(',')}}`}::text[])
        order by target, created_at desc`,
  );
  return new Map(
    latest.map((l) => [
      l.target,
      {
        id: l.id,
        status: l.status,
        attempts: l.attempts,
        eventCount: Number(l.event_count),
        createdAt: new Date(l.created_at),
      },
    ]),
  );
}

/** One target's events into deliveries (items collects them); answers how many deliveries it created. */
async function queueEvents(
  db: DbOrTx,
  t: Target,
  latest: LatestDelivery | null,
  now: Date,
  items: DeliveryItem[],
): Promise<number> {
  let last = latest;
  let created = 0;
  for (let i = 0; i < t.events.length;) {
    const plan = planDelivery(last, now);
    let id: string;
    let take: NotificationEvent[];
    if (plan.kind === 'append' && last) {
      take = t.events.slice(i, i + DIGEST_MAX_EVENTS - last.eventCount);
      // Counting under attempts = 0 locks the row until this transaction commits: the deliverer's
      // claim skips it meanwhile, and a delivery it already claimed is never appended to.
      const [row] = await db
        .update(notificationDeliveries)
        .set({ eventCount: sql`${notificationDeliveries.eventCount} + ${take.length}` })
        .where(
          and(
            eq(notificationDeliveries.id, plan.id),
            eq(notificationDeliveries.attempts, 0),
            eq(notificationDeliveries.status, 'pending'),
          ),
        )
        .returning({ id: notificationDeliveries.id });
      if (!row) {
        last = { ...last, attempts: 1 };
        continue;
      }
      id = row.id;
      last = { ...last, eventCount: last.eventCount + take.length };
    } else {
      take = t.events.slice(i, i + DIGEST_MAX_EVENTS);
      const [row] = await db
        .insert(notificationDeliveries)
        .values({
          channel: t.channel,
          webhookId: t.webhookId,
          userId: t.userId,
          target: t.target,
          event: take[0].event,
          eventCount: take.length,
          nextAttemptAt: plan.kind === 'create' ? plan.sendAt : now,
          createdAt: now,
        })
        .returning({ id: notificationDeliveries.id });
      id = row.id;
      created += 1;
      last = { id, status: 'pending', attempts: 0, eventCount: take.length, createdAt: now };
    }
    for (const e of take) items.push({ deliveryId: id, event: e as unknown as Record<string, unknown> });
    i += take.length;
  }
  return created;
}

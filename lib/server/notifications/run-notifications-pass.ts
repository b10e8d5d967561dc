// The worker's notifications loop body: threshold checks, then the outbox, then what is due.
import type { Ctx } from '../context';
import { checkThresholds } from './check-thresholds';
import { deliverDue, type DeliverOptions } from './deliver-due';
import { dispatchOutbox } from './dispatch-outbox';
import { pruneNotifications } from './prune-notifications';

/** Threshold checks (and pruning) read the queue and quotas: every 30 s is plenty for minute-scale thresholds. */
const CHECK_EVERY_MS = 30_000;
let lastCheck = 0;

export async function runNotificationsPass(ctx: Ctx, now = new Date(), deliver: DeliverOptions = {}) {
  let checked = { waiting: 0, budget: 0 };
  if (now.getTime() - lastCheck >= CHECK_EVERY_MS) {
    checked = await checkThresholds(ctx, now);
    await pruneNotifications(ctx, now);
    lastCheck = now.getTime();
  }
  // Drain the outbox in batches so a burst of 10,000 events is grouped within one pass.
  let dispatched = { events: 0, notifications: 0, deliveries: 0 };
  for (let i = 0; i < 40; i++) {
    const batch = await dispatchOutbox(ctx, now);
    dispatched = {
      events: dispatched.events + batch.events,
      notifications: dispatched.notifications + batch.notifications,
      deliveries: dispatched.deliveries + batch.deliveries,
    };
    if (batch.events === 0) break;
  }
  const delivered = await deliverDue(ctx, deliver);
  return { ...checked, ...dispatched, ...delivered };
}

// When a delivery goes out: digests that group bursts, and retries with exponential backoff.

/** One message per target per minute at most: the first of a quiet spell goes at once. */
const DIGEST_WINDOW_MS = 60_000;
/** A digest holds at most this many events; the rest start the next one. */
export const DIGEST_MAX_EVENTS = 1_000;
/** Retries stop this long after the delivery was created; it is then marked failed. */
export const RETRY_HORIZON_MS = 24 * 3_600_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 3_600_000;

/** The newest delivery of a target (webhook or mailbox). */
export interface LatestDelivery {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  eventCount: number;
  createdAt: Date;
}

export type DeliveryPlan = { kind: 'append'; id: string } | { kind: 'create'; sendAt: Date };

/**
 * Where a new event for a target goes: into the newest delivery while nobody has tried to send it
 * yet (a burst gathers there), else into a new one sent no sooner than a minute after the previous
 * one, so a target gets at most one message a minute, and the first of a quiet spell at once.
 */
export function planDelivery(latest: LatestDelivery | null, now: Date): DeliveryPlan {
  if (latest && latest.status === 'pending' && latest.attempts === 0 && latest.eventCount < DIGEST_MAX_EVENTS) {
    return { kind: 'append', id: latest.id };
  }
  if (!latest) return { kind: 'create', sendAt: now };
  const earliest = latest.createdAt.getTime() + DIGEST_WINDOW_MS;
  return { kind: 'create', sendAt: new Date(Math.max(now.getTime(), earliest)) };
}

/**
 * After a failed attempt (attempts counts it): when to try again, doubling from 5 s up to an hour,
 * or null once the next try would fall past 24 h after the delivery was created.
 */
export function nextRetryAt(attempts: number, createdAt: Date, now: Date): Date | null {
  const delay = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
  const at = now.getTime() + delay;
  return at > createdAt.getTime() + RETRY_HORIZON_MS ? null : new Date(at);
}

/** Whether a receiver's answer counts as delivered (2xx); redirects are not followed, so they fail. */
export function isDelivered(status: number): boolean {
  return status >= 200 && status < 300;
}

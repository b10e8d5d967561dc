// The outbox's one writer for events that are not job timeline rows (those enter through the
// job_events trigger of migration 0006). Call it with the transaction of the change it reports.
import type { DbOrTx } from '@/lib/db/client';
import { notificationOutbox } from '@/lib/db/schema';
import type { EventType } from '@/lib/domain/notifications/events';
import type { NotificationEvent } from '@/lib/domain/notifications/payload';

export interface RecordedEvent {
  event: EventType;
  message: string;
  /** the page it is about, relative to the console (`/jobs/42`) */
  path: string;
  /** who hears of it: the job's owner and team, or a team's members */
  jobId?: number;
  teamId?: string;
  /** the event's own fields (waiting, budget, sweep ...) */
  details?: Partial<Pick<NotificationEvent, 'waiting' | 'budget' | 'sweep' | 'gpu'>>;
  /** a rerun with the same key records nothing (periodic checks) */
  dedupeKey?: string;
  at?: Date;
}

/** Adds one event to the outbox; false when its dedupe key was recorded before. */
export async function recordEvent(db: DbOrTx, input: RecordedEvent): Promise<boolean> {
  const { event, dedupeKey, at, ...payload } = input;
  const rows = await db
    .insert(notificationOutbox)
    .values({
      event,
      payload: payload as Record<string, unknown>,
      dedupeKey: dedupeKey ?? null,
      createdAt: at ?? new Date(),
    })
    .onConflictDoNothing()
    .returning({ id: notificationOutbox.id });
  return rows.length > 0;
}

import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { jobEvents, jobs } from './jobs';
import { teams, users } from './users';

// The outbox: one row per event, written in the transaction of the state change that causes it.
// Job state changes arrive through a trigger on job_events (migration 0006), so every writer of the
// timeline feeds it without knowing; other events (waiting, budget) are written by recordEvent().
// The dispatcher turns each row into notifications and deliveries, then stamps dispatched_at.
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobEventId: bigint('job_event_id', { mode: 'number' }).references(() => jobEvents.id, { onDelete: 'cascade' }),
    /** for events recorded directly: the event type (lib/domain/notifications/events.ts) */
    event: text('event'),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    /** at most one row per key: a rerun of a periodic check (budget, waiting) records nothing new */
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notification_outbox_dedupe_idx').on(t.dedupeKey),
    index('notification_outbox_pending_idx')
      .on(t.id)
      .where(sql`${t.dispatchedAt} is null`),
  ],
);

// The in-console channel: one row per recipient and event.
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    event: text('event').notNull(),
    jobId: bigint('job_id', { mode: 'number' }).references(() => jobs.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    url: text('url').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_user_outbox_idx').on(t.userId, t.outboxId),
    index('notifications_user_idx').on(t.userId, t.id),
    index('notifications_unread_idx')
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
  ],
);

// Which events reach a user on the console and by e-mail; no row: the defaults.
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  consoleEvents: text('console_events').array().notNull(),
  emailEvents: text('email_events').array().notNull(),
  /** job.succeeded only for runs at least this long (minutes) */
  longJobMinutes: integer('long_job_minutes').notNull().default(60),
  /** job.waiting after this many minutes queued; null: never */
  waitingMinutes: integer('waiting_minutes'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// A user's or a team's webhook (exactly one of user_id, team_id).
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    format: text('format').$type<'json' | 'slack'>().notNull(),
    events: text('events').array().notNull(),
    /** AES-256-GCM sealed (lib/server/notifications/secret-box.ts): signing needs the secret itself */
    secretSealed: text('secret_sealed'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhooks_user_name_idx')
      .on(t.userId, t.name)
      .where(sql`${t.userId} is not null`),
    uniqueIndex('webhooks_team_name_idx')
      .on(t.teamId, t.name)
      .where(sql`${t.teamId} is not null`),
  ],
);

// One message to one webhook or mailbox: a single event or a digest of a burst. Its id is the
// X-Gantry-Delivery header, the same on every retry.
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').$type<'webhook' | 'email'>().notNull(),
    webhookId: uuid('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** the webhook id or `email:<user id>`: digests group per target */
    target: text('target').notNull(),
    /** the first event's type (X-Gantry-Event is `digest` once it holds more than one) */
    event: text('event').notNull(),
    /** rows in notification_delivery_items; a digest gathers only while attempts = 0 */
    eventCount: integer('event_count').notNull().default(0),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    durationMs: integer('duration_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('notification_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('notification_deliveries_target_idx').on(t.target, t.createdAt),
    index('notification_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
  ],
);

// The events of a delivery, appended (never rewritten) while a digest gathers a burst: a minute of
// a busy sweep is a few hundred small inserts, not a growing JSON document rewritten every second.
export const notificationDeliveryItems = pgTable(
  'notification_delivery_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => notificationDeliveries.id, { onDelete: 'cascade' }),
    /** the rendered event (lib/domain/notifications/payload.ts NotificationEvent) */
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('notification_delivery_items_delivery_idx').on(t.deliveryId, t.id)],
);

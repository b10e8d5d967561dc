import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// Last outcome of each worker loop, so /api/readyz and the console can tell a stuck loop.
export const workerLoops = pgTable('worker_loops', {
  name: text('name').primaryKey(),
  holder: text('holder'),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }),
  lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
  lastError: text('last_error'),
  runs: integer('runs').notNull().default(0),
  failures: integer('failures').notNull().default(0),
  state: jsonb('state').$type<Record<string, unknown>>().notNull().default({}),
});

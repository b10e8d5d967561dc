import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { JOB_STATES, type JobKind, type PriorityClass } from '@/lib/domain/terms';
import { teams, users } from './users';

// Every change of a job's state is also a job_events row.
export const jobStateEnum = pgEnum('job_state', JOB_STATES);

export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').$type<JobKind>().notNull(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'restrict' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    priority: text('priority').$type<PriorityClass>().notNull(),
    gpuKind: text('gpu_kind').notNull(),
    gpuCount: integer('gpu_count').notNull(),
    singleNode: boolean('single_node').notNull().default(true),
    expectedRuntimeSeconds: integer('expected_runtime_seconds').notNull(),
    maxRuntimeSeconds: integer('max_runtime_seconds').notNull(),
    /** The validated, kind-specific spec the workflow builder takes. */
    spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
    state: jobStateEnum('state').notNull().default('queued'),
    /** Why it waits (a scheduler reason code) or why it ended; message is the sentence shown. */
    reason: text('reason'),
    message: text('message'),
    teamPosition: integer('team_position'),
    overallPosition: integer('overall_position'),
    eta: timestamp('eta', { withTimezone: true }),
    /** [{ node, count }] while it holds GPUs. */
    placements: jsonb('placements').$type<Array<{ node: string; count: number }>>(),
    borrowed: integer('borrowed').notNull().default(0),
    workflowName: text('workflow_name'),
    /** Where its Workflow lives (the team's namespace); null: the shared GANTRY_NAMESPACE of older jobs. */
    workflowNamespace: text('workflow_namespace'),
    attempts: integer('attempts').notNull().default(0),
    preemptDeadline: timestamp('preempt_deadline', { withTimezone: true }),
    preemptedFor: bigint('preempted_for', { mode: 'number' }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    /** When it last entered the queue (a preempted job re-enters). */
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** GPU-hours of earlier attempts (a preempted run), so weekly budgets count them. */
    pastGpuHours: doublePrecision('past_gpu_hours').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('jobs_state_position_idx').on(t.state, t.overallPosition, t.id),
    index('jobs_team_state_idx').on(t.teamId, t.state),
    index('jobs_user_idx').on(t.userId, t.id),
    index('jobs_kind_state_idx').on(t.gpuKind, t.state),
    // The queue page's order (waiting jobs by position, then newest first): a page of 10,000
    // queued jobs is read in index order and stops after 50 rows instead of sorting them all.
    index('jobs_queue_order_idx').on(sql`(${t.state} <> 'queued')`, t.overallPosition, t.id.desc()),
    // The per-user cap on queued jobs counts a user's queued jobs on each submission: only queued
    // rows, so the count never wades through a user's finished history.
    index('jobs_user_queued_idx')
      .on(t.userId)
      .where(sql`${t.state} = 'queued'`),
  ],
);

// The timeline: append-only, never updated.
export const jobEvents = pgTable(
  'job_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobId: bigint('job_id', { mode: 'number' })
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    fromState: jobStateEnum('from_state'),
    toState: jobStateEnum('to_state'),
    /** SUBMITTED, ADMITTED, a wait reason code, CANCELLED_BY_USER, PREEMPTED, WORKFLOW_SUCCEEDED ... */
    cause: text('cause').notNull(),
    message: text('message').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('job_events_job_idx').on(t.jobId, t.id)],
);

// Per team and GPU kind: guaranteed GPUs, how many more it may borrow, an optional weekly budget.
export const quotas = pgTable(
  'quotas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    gpuKind: text('gpu_kind').notNull(),
    guaranteed: integer('guaranteed').notNull(),
    borrowingLimit: integer('borrowing_limit').notNull().default(0),
    weeklyGpuHours: doublePrecision('weekly_gpu_hours'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('quotas_team_kind_idx').on(t.teamId, t.gpuKind)],
);

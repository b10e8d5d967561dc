import { bigint, boolean, doublePrecision, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { CompactNode } from '@/lib/domain/workflow/step-status';
import { jobs } from './jobs';

// The latest status of each job's Workflow, overwritten by the workflow sync; history lives in job_events.
export const workflowSnapshots = pgTable('workflow_snapshots', {
  jobId: bigint('job_id', { mode: 'number' })
    .primaryKey()
    .references(() => jobs.id, { onDelete: 'cascade' }),
  workflowName: text('workflow_name').notNull(),
  /** A new uid means a new attempt (a preempted job runs again as the same name): its step logs start over. */
  workflowUid: text('workflow_uid'),
  resourceVersion: text('resource_version'),
  phase: text('phase'),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** nvidia.com/gpu plus nvidia.com/mig-* from status.resourcesDuration. */
  gpuSeconds: doublePrecision('gpu_seconds').notNull().default(0),
  nodes: jsonb('nodes').$type<Record<string, CompactNode>>().notNull().default({}),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// The last 64 KiB of each step's main-container log, kept so logs outlive pod garbage collection.
export const stepLogs = pgTable(
  'step_logs',
  {
    jobId: bigint('job_id', { mode: 'number' })
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    podName: text('pod_name').notNull(),
    text: text('text').notNull(),
    /** true once the step finished and no more lines will come. */
    complete: boolean('complete').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.nodeId] })],
);

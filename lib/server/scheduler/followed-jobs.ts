// Jobs whose Workflow Gantry follows, and the one way the followers (the phase sync, the workflow
// sync, the stall check) move such a job on: an update conditional on the state it was read in,
// and its job_events row, in one transaction.
import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import { jobEvents, jobs } from '@/lib/db/schema';
import { recordJobFailure } from '@/lib/metrics/scheduler';
import { inTransaction, type Ctx } from '../context';
import type { JobState } from '../jobs/job-view';

/** States in which a job's Workflow exists and its phase moves the job on. */
export const FOLLOWED_STATES = ['submitted', 'running'] as const;

/** What the followers read of a job: its Workflow's name and namespace, and whether it is being preempted. */
const followedColumns = {
  id: jobs.id,
  state: jobs.state,
  workflowName: jobs.workflowName,
  workflowNamespace: jobs.workflowNamespace,
  preemptDeadline: jobs.preemptDeadline,
};

/** The submitted and running jobs, or the one with `id` if it is one of them. */
export function listFollowedJobs(ctx: Ctx, id?: number) {
  return ctx.db
    .select(followedColumns)
    .from(jobs)
    .where(and(id === undefined ? undefined : eq(jobs.id, id), inArray(jobs.state, [...FOLLOWED_STATES])));
}

export interface JobMove {
  to: JobState;
  at: Date;
  /** The event's cause (WORKFLOW_RUNNING, WORKFLOW_MISSING ...) and the sentence shown for the job and the event. */
  cause: string;
  message: string;
  details?: Record<string, unknown>;
  /** Other columns to write. */
  set?: Partial<typeof jobs.$inferInsert>;
  /** A further condition on the row (the job is not being preempted, say). */
  where?: SQL;
}

/** Moves a job from the state it was read in; false (and nothing written) when it moved on meanwhile. */
export async function moveJob(ctx: Ctx, job: { id: number; state: JobState }, move: JobMove): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(jobs)
      .set({ ...move.set, state: move.to, message: move.message, updatedAt: move.at })
      .where(and(eq(jobs.id, job.id), eq(jobs.state, job.state), move.where))
      .returning({ id: jobs.id });
    if (!row) return false;
    await tx.db.insert(jobEvents).values({
      jobId: job.id,
      at: move.at,
      fromState: job.state,
      toState: move.to,
      cause: move.cause,
      message: move.message,
      ...(move.details ? { details: move.details } : {}),
    });
    return true;
  });
}

/**
 * Fails a submitted or running job for `reason` (its GPUs released), unless it is being preempted
 * (finishPreemptions requeues it); counts the failure in Gantry's metrics. False when nothing changed.
 */
export async function failFollowedJob(
  ctx: Ctx,
  job: { id: number; state: JobState },
  failure: { reason: string; message: string; at: Date; details: Record<string, unknown> },
): Promise<boolean> {
  const { reason, message, at, details } = failure;
  const failed = await moveJob(ctx, job, {
    to: 'failed',
    at,
    cause: reason,
    message,
    details,
    set: { reason, finishedAt: at, placements: null, preemptDeadline: null },
    where: isNull(jobs.preemptDeadline),
  });
  if (failed) recordJobFailure(reason);
  return failed;
}

import { eq } from 'drizzle-orm';
import { stopJob } from '@/lib/cluster/job-runner';
import { jobEvents, jobs } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, type Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { assertOwnerOrAdmin, requireJobForAction } from './job-access';
import { workflowNamespaceOf } from '../tenancy/workflow-namespace';
import { FINAL_STATES, loadJobViews, type JobView } from './job-view';

export interface CancelDeps {
  stop(workflowName: string, namespace: string): Promise<void>;
}

/**
 * Owners and admins cancel a job in any live state. The row changes first (so the scheduler stops
 * counting it); a Workflow already created is then terminated, best effort: the sync loop sees it end.
 */
export async function cancelJob(
  { ctx, input }: { ctx: Ctx; input: unknown },
  deps: CancelDeps = { stop: (name, namespace) => stopJob(name, { namespace }) },
): Promise<JobView> {
  const id = await requireJobForAction(ctx, input);
  const { view, workflowName, workflowNamespace } = await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db.select().from(jobs).where(eq(jobs.id, id)).for('update');
    if (!row) throw notFound('Job');
    assertOwnerOrAdmin(ctx, row, 'cancel it');
    if (FINAL_STATES.includes(row.state)) throw conflict(`The job already ended (${row.state})`);
    const at = new Date();
    const message = `Cancelled by ${ctx.actor.email}.`;
    await tx.db
      .update(jobs)
      .set({
        state: 'cancelled',
        reason: 'CANCELLED',
        message,
        finishedAt: at,
        placements: null,
        preemptDeadline: null,
        teamPosition: null,
        overallPosition: null,
        eta: null,
        updatedAt: at,
      })
      .where(eq(jobs.id, id));
    await tx.db.insert(jobEvents).values({
      jobId: id,
      at,
      fromState: row.state,
      toState: 'cancelled',
      cause: row.userId === ctx.actor.id ? 'CANCELLED_BY_OWNER' : 'CANCELLED_BY_ADMIN',
      message,
      actorId: ctx.actor.via === 'system' ? null : ctx.actor.id,
    });
    if (row.userId !== ctx.actor.id) await recordAudit(tx, 'job.cancel', `job:${id}`, { from: row.state });
    const [view] = await loadJobViews(tx, [id]);
    return { view, workflowName: row.workflowName, workflowNamespace: workflowNamespaceOf(row) };
  });
  if (workflowName) {
    await deps
      .stop(workflowName, workflowNamespace)
      .catch((error) =>
        ctx.log.warn({ err: error, workflowName }, 'could not terminate the workflow of a cancelled job'),
      );
  }
  return view;
}

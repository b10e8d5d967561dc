// "Retry failed steps" (like `argo retry`): the failed job's own Workflow runs again, keeping the
// steps that succeeded. A failed job holds no GPUs (its placements were released), so it does not
// jump back to Running: it re-enters the queue still naming its Workflow, is admitted like any job
// (quotas, fair share, placement), and the launch step then retries that Workflow in place with the
// new placement instead of creating one (lib/server/workflows/retry-workflow.ts). A queued job with
// a workflowName is exactly that: preemption and new submissions leave workflowName empty.
import { eq } from 'drizzle-orm';
import { findWorkflow, type Workflow } from '@/lib/cluster/workflows';
import { jobEvents, jobs } from '@/lib/db/schema';
import { formulateRetry, RetryError } from '@/lib/domain/workflow/retry';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, type Ctx } from '../context';
import { conflict, notFound, unavailable } from '../errors';
import { assertOwnerOrAdmin, requireJobForAction } from './job-access';
import { loadJobViews, type JobView } from './job-view';
import { requeueFields } from './requeue-fields';
import { workflowNamespaceOf } from '../tenancy/workflow-namespace';

export interface RetryJobDeps {
  /** The job's Workflow as the cluster has it now; null when it is gone. */
  findWorkflow(name: string, namespace: string): Promise<Workflow | null>;
}

const clusterDeps: RetryJobDeps = { findWorkflow: (name, namespace) => findWorkflow(name, { namespace }) };

export async function retryJob(
  { ctx, input }: { ctx: Ctx; input: unknown },
  deps: RetryJobDeps = clusterDeps,
): Promise<JobView> {
  const id = await requireJobForAction(ctx, input);
  const [peek] = await ctx.db
    .select({
      userId: jobs.userId,
      state: jobs.state,
      workflowName: jobs.workflowName,
      workflowNamespace: jobs.workflowNamespace,
    })
    .from(jobs)
    .where(eq(jobs.id, id));
  if (!peek) throw notFound('Job');
  assertOwnerOrAdmin(ctx, peek, 'retry its failed steps');
  if (peek.state !== 'failed')
    throw conflict(`Only a failed job can have its failed steps retried; this one is ${peek.state}`);
  if (!peek.workflowName)
    throw conflict(
      'This job failed before its workflow was created, so there are no steps to retry; resubmit it instead',
    );

  let wf: Workflow | null;
  try {
    wf = await deps.findWorkflow(peek.workflowName, workflowNamespaceOf(peek));
  } catch (error) {
    throw unavailable('The cluster did not answer; try again', error);
  }
  if (!wf)
    throw conflict(
      `Workflow ${peek.workflowName} no longer exists in the cluster (deleted or expired), so its steps cannot be retried; resubmit the job instead`,
    );
  try {
    formulateRetry(wf, new Date().toISOString()); // the same check the launch makes, answered now
  } catch (error) {
    if (error instanceof RetryError)
      throw conflict(`Workflow ${peek.workflowName} cannot be retried: ${error.message}`);
    throw error;
  }

  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db.select().from(jobs).where(eq(jobs.id, id)).for('update');
    if (!row || row.state !== 'failed' || row.workflowName !== peek.workflowName)
      throw conflict('The job changed meanwhile; reload it and try again');
    const at = new Date();
    const message = `Retry of the failed steps of ${row.workflowName} requested by ${ctx.actor.email}; waiting for GPUs.`;
    await tx.db
      .update(jobs)
      // The failed attempt's GPU time still counts against weekly budgets, as for a preempted run.
      .set({ ...requeueFields(row, at, row.finishedAt), finishedAt: null, reason: 'RETRY_QUEUED', message })
      .where(eq(jobs.id, id));
    await tx.db.insert(jobEvents).values({
      jobId: id,
      at,
      fromState: 'failed',
      toState: 'queued',
      cause: 'RETRY_REQUESTED',
      message: `Retry of failed steps requested by ${ctx.actor.email}.`,
      actorId: ctx.actor.via === 'system' ? null : ctx.actor.id,
      details: { workflowName: row.workflowName },
    });
    if (row.userId !== ctx.actor.id)
      await recordAudit(tx, 'job.retry', `job:${id}`, { workflowName: row.workflowName });
    const [view] = await loadJobViews(tx, [id]);
    return view;
  });
}

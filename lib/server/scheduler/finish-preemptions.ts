// A job told to stop keeps its GPUs until its grace deadline; then its Workflow is removed and the
// job goes back to the queue (Preempted, then Queued: two events), keeping its place in line.
import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import { removeJob } from '@/lib/cluster/job-runner';
import { jobEvents, jobs } from '@/lib/db/schema';
import { inTransaction, type Ctx } from '../context';
import { requeueFields } from '../jobs/requeue-fields';
import { workflowNamespaceOf } from '../tenancy/workflow-namespace';
import { HOLDING_STATES } from './load-snapshot';

export interface PreemptDeps {
  remove(workflowName: string, namespace: string): Promise<void>;
}

export async function finishPreemptions(
  { ctx, now = Date.now() }: { ctx: Ctx; now?: number },
  deps: PreemptDeps = { remove: (name, namespace) => removeJob(name, { namespace }) },
): Promise<string[]> {
  const due = await ctx.db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        inArray(jobs.state, [...HOLDING_STATES]),
        isNotNull(jobs.preemptDeadline),
        lte(jobs.preemptDeadline, new Date(now)),
      ),
    );
  const done: string[] = [];
  for (const { id } of due) {
    const ok = await inTransaction(ctx, async (tx) => {
      const [row] = await tx.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.id, id), inArray(jobs.state, [...HOLDING_STATES]), isNotNull(jobs.preemptDeadline)))
        .for('update', { skipLocked: true });
      if (!row) return false;
      if (row.workflowName) await deps.remove(row.workflowName, workflowNamespaceOf(row));
      const at = new Date(now);
      await tx.db
        .update(jobs)
        .set({
          ...requeueFields(row, at, at),
          workflowName: null,
          workflowNamespace: null,
          reason: 'PREEMPTED',
          message: 'Preempted to give GPUs back; queued again in its original place in line.',
        })
        .where(eq(jobs.id, id));
      await tx.db.insert(jobEvents).values([
        {
          jobId: id,
          at,
          fromState: row.state,
          toState: 'preempted',
          cause: 'PREEMPTED',
          message: row.message ?? 'Preempted.',
          details: { forJobId: row.preemptedFor },
        },
        {
          jobId: id,
          at,
          fromState: 'preempted',
          toState: 'queued',
          cause: 'REQUEUED',
          message: 'Queued again after preemption.',
        },
      ]);
      return true;
    });
    if (ok) done.push(String(id));
  }
  return done;
}

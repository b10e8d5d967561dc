import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { jobEvents, jobs } from '@/lib/db/schema';
import { PriorityClass } from '@/lib/domain/terms';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { JobId, parseInput } from '../validate';
import { loadJobViews, type JobView } from './job-view';

const SetJobPriorityInput = z.object({
  id: JobId,
  priority: PriorityClass,
});

/** Admins move a job between priority classes; the next scheduler pass orders by it. */
export async function setJobPriority({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<JobView> {
  requireRole(ctx, 'admin');
  const { id, priority } = parseInput(SetJobPriorityInput, input);
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .select({ priority: jobs.priority, state: jobs.state })
      .from(jobs)
      .where(eq(jobs.id, id))
      .for('update');
    if (!row) throw notFound('Job');
    if (row.priority !== priority) {
      const at = new Date();
      await tx.db
        .update(jobs)
        .set({ priority, updatedAt: at })
        .where(and(eq(jobs.id, id)));
      await tx.db.insert(jobEvents).values({
        jobId: id,
        at,
        fromState: row.state,
        toState: row.state,
        cause: 'PRIORITY_CHANGED',
        message: `Priority changed from ${row.priority} to ${priority} by ${ctx.actor.email}.`,
        actorId: ctx.actor.via === 'system' ? null : ctx.actor.id,
      });
      await recordAudit(tx, 'job.priority', `job:${id}`, { from: row.priority, to: priority });
    }
    const [view] = await loadJobViews(tx, [id]);
    return view;
  });
}

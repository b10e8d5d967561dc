import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { jobEvents, jobs, users } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { JobId, parseInput } from '../validate';
import { requireVisibleJob } from './job-access';
import { FINAL_STATES, loadJobViews, type JobDetailView } from './job-view';

const GetJobInput = z.object({ id: JobId });

/** One job with its timeline and spec, for its owner, its team and admins (others get 404). */
export async function getJob({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<JobDetailView> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(GetJobInput, input);
  const { isOwner } = await requireVisibleJob(ctx, id);
  const [view] = await loadJobViews(ctx, [id]);
  if (!view) throw notFound('Job');
  const [row] = await ctx.db.select({ spec: jobs.spec }).from(jobs).where(eq(jobs.id, id));
  const isAdmin = ctx.actor.role === 'admin';
  const events = await ctx.db
    .select({ event: jobEvents, actor: users.email })
    .from(jobEvents)
    .leftJoin(users, eq(users.id, jobEvents.actorId))
    .where(eq(jobEvents.jobId, id))
    .orderBy(asc(jobEvents.id));
  return {
    ...view,
    spec: row.spec,
    canCancel: (isOwner || isAdmin) && ctx.actor.role !== 'viewer' && !FINAL_STATES.includes(view.state),
    events: events.map(({ event: e, actor }) => ({
      id: String(e.id),
      at: e.at.toISOString(),
      fromState: e.fromState,
      toState: e.toState,
      cause: e.cause,
      message: e.message,
      actor,
    })),
  };
}

import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { jobEvents, jobs, memberships, users } from '@/lib/db/schema';
import { and } from 'drizzle-orm';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { FINAL_STATES, loadJobViews, type JobDetailView } from './job-view';

export const GetJobInput = z.object({ id: z.coerce.number({ error: 'Not a job id' }).int('Not a job id').positive('Not a job id') });

/** One job with its timeline; everyone signed in may follow the queue, only owner, team and admins see the spec. */
export async function getJob({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<JobDetailView> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(GetJobInput, input);
  const [view] = await loadJobViews(ctx, [id]);
  if (!view) throw notFound('Job');
  const [row] = await ctx.db.select({ spec: jobs.spec, teamId: jobs.teamId }).from(jobs).where(eq(jobs.id, id));
  const isOwner = view.user.id === ctx.actor.id;
  const isAdmin = ctx.actor.role === 'admin';
  const [member] = isOwner || isAdmin
    ? [true]
    : await ctx.db.select({ u: memberships.userId }).from(memberships).where(and(eq(memberships.userId, ctx.actor.id), eq(memberships.teamId, row.teamId)));
  const events = await ctx.db
    .select({ event: jobEvents, actor: users.email })
    .from(jobEvents)
    .leftJoin(users, eq(users.id, jobEvents.actorId))
    .where(eq(jobEvents.jobId, id))
    .orderBy(asc(jobEvents.id));
  return {
    ...view,
    spec: member ? row.spec : null,
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

// Who may see a job (docs/security.md, "Jobs"): its owner, members of its team, and admins. The
// queue, a job's detail, its workflow, logs and GPU telemetry all ask here, so the rule is written
// once. A job someone may not see answers 404, as if it did not exist: job ids are sequential, and
// a 403 would confirm which ones belong to other teams.
import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { jobs, memberships } from '@/lib/db/schema';
import { hasRole, requireRole, type Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { JobId, parseInput } from '../validate';

/**
 * A condition keeping the rows the actor owns (`owner` holds their user id) or that belong to one
 * of their teams (`team`): what team-owned things (jobs, benchmark datasets) share.
 */
export function ownerOrTeamMember(ctx: Ctx, owner: AnyPgColumn, team: AnyPgColumn): SQL | undefined {
  return or(
    eq(owner, ctx.actor.id),
    inArray(
      team,
      ctx.db.select({ id: memberships.teamId }).from(memberships).where(eq(memberships.userId, ctx.actor.id)),
    ),
  );
}

/** A condition on `jobs` keeping the rows the actor may see; undefined (no condition) for admins. */
export function visibleJobsFilter(ctx: Ctx): SQL | undefined {
  return hasRole(ctx.actor, 'admin') ? undefined : ownerOrTeamMember(ctx, jobs.userId, jobs.teamId);
}

export interface VisibleJob {
  userId: string;
  teamId: string;
  /** the actor submitted it */
  isOwner: boolean;
}

/** The job's owner and team when the actor may see it; NOT_FOUND when it does not exist or they may not. */
export async function requireVisibleJob(ctx: Ctx, id: number): Promise<VisibleJob> {
  const [row] = await ctx.db
    .select({ userId: jobs.userId, teamId: jobs.teamId })
    .from(jobs)
    .where(and(eq(jobs.id, id), visibleJobsFilter(ctx)));
  if (!row) throw notFound('Job');
  return { ...row, isOwner: row.userId === ctx.actor.id };
}

const JobActionInput = z.object({ id: JobId });

/**
 * How an action on one job (cancel, resubmit, retry its failed steps) starts: researchers act on
 * jobs, and a job of another team answers 404, not 403. Returns the job's id.
 */
export async function requireJobForAction(ctx: Ctx, input: unknown): Promise<number> {
  requireRole(ctx, 'researcher');
  const { id } = parseInput(JobActionInput, input);
  await requireVisibleJob(ctx, id);
  return id;
}

/** Only a job's owner or an admin acts on it; `action` ends the refusal ("cancel it"). */
export function assertOwnerOrAdmin(ctx: Ctx, job: { userId: string }, action: string): void {
  if (job.userId !== ctx.actor.id && ctx.actor.role !== 'admin')
    throw forbidden(`Only the job’s owner or an admin can ${action}`);
}

/** Telemetry names jobs by the pod label `gantry.dev/job-id` (text): only a plain decimal id can be a Gantry job. */
export async function requireVisibleJobLabel(ctx: Ctx, jobId: string): Promise<void> {
  // Admins see every pod's readings, also of pods labelled with something that is not a job of ours.
  if (hasRole(ctx.actor, 'admin')) return;
  if (!/^[1-9][0-9]{0,14}$/.test(jobId)) throw notFound('Job');
  await requireVisibleJob(ctx, Number(jobId));
}

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { jobs, teams } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { JobId, parseInput } from '../validate';
import { requireVisibleJob } from './job-access';
import type { JobView } from './job-view';
import { clusterSubmitDeps, submitJob, type SubmitDeps } from './submit-job';

const ResubmitJobInput = z.object({ id: JobId });

/** Submits a copy of a job (same team, GPUs, spec) as a new job; the old one keeps its history. */
export async function resubmitJob(
  { ctx, input }: { ctx: Ctx; input: unknown },
  deps: SubmitDeps = clusterSubmitDeps,
): Promise<JobView> {
  requireRole(ctx, 'researcher');
  const { id } = parseInput(ResubmitJobInput, input);
  await requireVisibleJob(ctx, id); // another team's job: 404, not 403
  const [row] = await ctx.db
    .select({ job: jobs, team: teams.slug })
    .from(jobs)
    .innerJoin(teams, eq(teams.id, jobs.teamId))
    .where(eq(jobs.id, id));
  if (!row) throw notFound('Job');
  if (row.job.userId !== ctx.actor.id && ctx.actor.role !== 'admin')
    throw forbidden('Only the job’s owner or an admin can resubmit it');
  const j = row.job;
  return (await submitJob(
    {
      ctx,
      input: {
        name: j.name,
        kind: j.kind,
        team: row.team,
        priority: j.priority,
        gpu: { kind: j.gpuKind, count: j.gpuCount },
        singleNode: j.singleNode,
        expectedRuntimeSeconds: j.expectedRuntimeSeconds,
        maxRuntimeSeconds: j.maxRuntimeSeconds,
        spec: j.spec,
      },
    },
    deps,
  )) as JobView;
}

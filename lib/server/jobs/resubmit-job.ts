import { eq } from 'drizzle-orm';
import { jobs, teams } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { assertOwnerOrAdmin, requireJobForAction } from './job-access';
import type { JobView } from './job-view';
import { clusterSubmitDeps, submitJob, type SubmitDeps } from './submit-job';

/** Submits a copy of a job (same team, GPUs, spec) as a new job; the old one keeps its history. */
export async function resubmitJob(
  { ctx, input }: { ctx: Ctx; input: unknown },
  deps: SubmitDeps = clusterSubmitDeps,
): Promise<JobView> {
  const id = await requireJobForAction(ctx, input);
  const [row] = await ctx.db
    .select({ job: jobs, team: teams.slug })
    .from(jobs)
    .innerJoin(teams, eq(teams.id, jobs.teamId))
    .where(eq(jobs.id, id));
  if (!row) throw notFound('Job');
  assertOwnerOrAdmin(ctx, row.job, 'resubmit it');
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

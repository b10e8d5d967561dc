import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { jobs, teams } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validate';
import type { JobView } from './job-view';
import { clusterSubmitDeps, submitJob, type SubmitDeps } from './submit-job';

export const ResubmitJobInput = z.object({ id: z.coerce.number({ error: 'Not a job id' }).int().positive('Not a job id') });

/** Submits a copy of a job (same team, GPUs, spec) as a new job; the old one keeps its history. */
export async function resubmitJob({ ctx, input }: { ctx: Ctx; input: unknown }, deps: SubmitDeps = clusterSubmitDeps): Promise<JobView> {
  requireRole(ctx, 'researcher');
  const { id } = parseInput(ResubmitJobInput, input);
  const [row] = await ctx.db.select({ job: jobs, team: teams.slug }).from(jobs).innerJoin(teams, eq(teams.id, jobs.teamId)).where(eq(jobs.id, id));
  if (!row) throw notFound('Job');
  if (row.job.userId !== ctx.actor.id && ctx.actor.role !== 'admin') throw forbidden('Only the job’s owner or an admin can resubmit it');
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

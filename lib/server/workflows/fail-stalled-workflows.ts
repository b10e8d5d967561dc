// Part of the reconcile pass (the list path): a live job whose Workflow has stalled (see
// lib/domain/workflow/stall.ts) fails with WORKFLOW_STALLED and the sentence saying why, leaves the
// running set (its placements, so its GPUs, are released in the same transaction), and its Workflow
// is terminated (spec.shutdown: Terminate). The row changes first so the scheduler stops counting
// the job at once; a terminate that fails is sent again on a later pass.
import { and, eq, inArray, or } from 'drizzle-orm';
import { stopJob } from '@/lib/cluster/job-runner';
import type { Workflow } from '@/lib/cluster/workflows';
import { jobs } from '@/lib/db/schema';
import { detectStall, type StallPolicy } from '@/lib/domain/workflow/stall';
import { env } from '@/lib/env';
import type { Ctx } from '../context';
import { failFollowedJob, FOLLOWED_STATES } from '../scheduler/followed-jobs';
import { workflowKey, workflowNamespaceOf } from '../tenancy/workflow-namespace';

export interface StallDeps {
  terminate(workflowName: string, namespace?: string): Promise<void>;
}

function stallPolicyFromEnv(): StallPolicy {
  const e = env();
  return { pendingMs: e.GANTRY_STALL_PENDING_MINUTES * 60_000, graceMs: e.GANTRY_STALL_GRACE_MINUTES * 60_000 };
}

const OPEN_PHASES = new Set(['', 'Pending', 'Running']);

/** Returns the ids of the jobs failed now. */
export async function failStalledWorkflows(
  {
    ctx,
    workflows,
    now = Date.now(),
    policy = stallPolicyFromEnv(),
  }: { ctx: Ctx; workflows: Workflow[]; now?: number; policy?: StallPolicy },
  deps: StallDeps = { terminate: (name, namespace) => stopJob(name, { namespace }) },
): Promise<number[]> {
  // by namespace and name: each job is judged by its own Workflow (its team's namespace, or the shared one)
  const open = new Map(
    workflows
      .filter((w) => w.metadata.name && OPEN_PHASES.has(w.status?.phase ?? ''))
      .map((w) => [workflowKey(w.metadata.namespace, w.metadata.name!), w]),
  );
  if (open.size === 0) return [];
  const names = [...new Set([...open.values()].map((w) => w.metadata.name!))];
  const rows = await ctx.db
    .select({
      id: jobs.id,
      state: jobs.state,
      reason: jobs.reason,
      workflowName: jobs.workflowName,
      workflowNamespace: jobs.workflowNamespace,
      maxRuntimeSeconds: jobs.maxRuntimeSeconds,
      preemptDeadline: jobs.preemptDeadline,
    })
    .from(jobs)
    .where(
      and(
        inArray(jobs.workflowName, names),
        or(
          inArray(jobs.state, [...FOLLOWED_STATES]),
          and(eq(jobs.state, 'failed'), eq(jobs.reason, 'WORKFLOW_STALLED')),
        ),
      ),
    );
  const failed: number[] = [];
  for (const job of rows) {
    const wf = open.get(workflowKey(workflowNamespaceOf(job), job.workflowName!));
    if (!wf) continue;
    if (job.state === 'failed') {
      // Failed as stalled on an earlier pass, but the terminate did not get through.
      if (wf.spec.shutdown !== 'Terminate')
        await terminate(ctx, deps, job.id, job.workflowName!, wf.metadata.namespace);
      continue;
    }
    if (job.preemptDeadline) continue; // being preempted: finishPreemptions removes the Workflow
    const stall = detectStall({ workflow: wf, maxRuntimeSeconds: job.maxRuntimeSeconds, now }, policy);
    if (!stall) continue;
    const changed = await failFollowedJob(ctx, job, {
      reason: 'WORKFLOW_STALLED',
      message: `Workflow ${job.workflowName} stalled: ${stall.message}`.slice(0, 2000),
      at: new Date(now),
      details: { workflowName: job.workflowName, stall: stall.kind },
    });
    if (!changed) continue;
    failed.push(job.id);
    await terminate(ctx, deps, job.id, job.workflowName!, wf.metadata.namespace);
  }
  return failed;
}

async function terminate(
  ctx: Ctx,
  deps: StallDeps,
  jobId: number,
  workflowName: string,
  namespace: string | undefined,
): Promise<void> {
  try {
    await deps.terminate(workflowName, namespace);
  } catch (err) {
    ctx.log.warn({ err, jobId, workflowName }, 'could not terminate a stalled workflow; trying again next pass');
  }
}

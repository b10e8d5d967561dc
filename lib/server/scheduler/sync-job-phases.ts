// Follow-up of submitted jobs: the Workflow's phase moves the job to Running, Succeeded or Failed
// (one event each); a Workflow that vanished fails the job (WORKFLOW_MISSING) and frees its GPUs.
// Per-node status, GPU-seconds and logs belong to the workflow sync (lib/server/workflows).
import { listJobPhases } from '@/lib/cluster/job-runner';
import { recordJobFailure } from '@/lib/metrics/scheduler';
import type { Ctx } from '../context';
import type { JobState } from '../jobs/job-view';
import { workflowKey, workflowNamespaceOf } from '../tenancy/workflow-namespace';
import { failFollowedJob, listFollowedJobs, moveJob } from './followed-jobs';

export interface PhaseDeps {
  /** `namespace`: where the Workflow was listed (every namespace is listed); left out, it matches by name alone. */
  phases(): Promise<
    Array<{
      jobId: string;
      workflowName: string;
      namespace?: string;
      phase: string | null;
      startedAt: string | null;
      finishedAt: string | null;
      message: string | null;
    }>
  >;
}

const TARGET: Record<string, JobState> = {
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Error: 'failed',
};

export async function syncJobPhases(
  { ctx }: { ctx: Ctx },
  deps: PhaseDeps = { phases: listJobPhases },
): Promise<number> {
  const live = await listFollowedJobs(ctx);
  if (live.length === 0) return 0;
  // Listed after the jobs were read: a job seen as submitted already had its Workflow created.
  // Keyed by namespace and name: a job follows its own Workflow, not one of that name elsewhere.
  const byKey = new Map(
    (await deps.phases()).map((p) => [
      p.namespace ? workflowKey(p.namespace, p.workflowName) : `*/${p.workflowName}`,
      p,
    ]),
  );
  let changed = 0;
  for (const job of live) {
    const wf = job.workflowName
      ? (byKey.get(workflowKey(workflowNamespaceOf(job), job.workflowName)) ?? byKey.get(`*/${job.workflowName}`))
      : undefined;
    // A job being preempted loses its Workflow on purpose; finishPreemptions requeues it.
    if (!wf && job.workflowName && !job.preemptDeadline) {
      if (await markMissing(ctx, { id: job.id, state: job.state, workflowName: job.workflowName })) changed++;
      continue;
    }
    if (wf && (await applyWorkflowPhase(ctx, job, wf))) changed++;
  }
  return changed;
}

export type PhaseRow = Awaited<ReturnType<PhaseDeps['phases']>>[number];

/**
 * Moves one submitted or running job on by its Workflow's phase (one event per change). Idempotent:
 * a phase the job already reflects, or a job that moved on meanwhile, changes nothing. Shared by the
 * list path (syncJobPhases) and the watch path (lib/server/workflows).
 */
export async function applyWorkflowPhase(
  ctx: Ctx,
  job: { id: number; state: JobState },
  wf: PhaseRow,
): Promise<boolean> {
  const target = wf.phase ? TARGET[wf.phase] : undefined;
  if (!target || target === job.state) return false;
  const at = new Date();
  const final = target !== 'running';
  const message =
    target === 'running'
      ? `Workflow ${wf.workflowName} is running.`
      : target === 'succeeded'
        ? `Workflow ${wf.workflowName} succeeded.`
        : `Workflow ${wf.workflowName} ${wf.phase === 'Error' ? 'errored' : 'failed'}${wf.message ? `: ${wf.message}` : '.'}`;
  const moved = await moveJob(ctx, job, {
    to: target,
    at,
    cause: `WORKFLOW_${wf.phase!.toUpperCase()}`,
    message,
    set: {
      reason: final && target === 'failed' ? 'WORKFLOW_FAILED' : null,
      startedAt: wf.startedAt ? new Date(wf.startedAt) : at,
      ...(final
        ? { finishedAt: wf.finishedAt ? new Date(wf.finishedAt) : at, placements: null, preemptDeadline: null }
        : {}),
    },
  });
  if (moved && target === 'failed') recordJobFailure('WORKFLOW_FAILED');
  return moved;
}

/** Fails a submitted/running job whose Workflow vanished (WORKFLOW_MISSING); false when nothing changed. */
export async function markMissing(
  ctx: Ctx,
  job: { id: number; state: JobState; workflowName: string },
): Promise<boolean> {
  return failFollowedJob(ctx, job, {
    reason: 'WORKFLOW_MISSING',
    message: `Workflow ${job.workflowName} no longer exists in the cluster (deleted outside Gantry); the job cannot finish.`,
    at: new Date(),
    details: { workflowName: job.workflowName },
  });
}

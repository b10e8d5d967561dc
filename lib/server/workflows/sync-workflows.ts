// The workflow sync: one Workflow object at a time (syncWorkflow, shared by the list pass and the
// watch-driven WorkflowFollower) moves its job on by phase, overwrites each job's snapshot of
// status.nodes and GPU-seconds, and keeps the last 64 KiB of every finished step's log in
// step_logs so the logs outlive pod garbage collection (Gantry's podGC deletes a succeeded pod
// 2 minutes after it ends, which leaves time for this capture).
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { listJobWorkflows } from '@/lib/cluster/job-runner';
import { findStepLog, workflowPodNames } from '@/lib/cluster/pods';
import type { Workflow } from '@/lib/cluster/workflows';
import { jobs, stepLogs, workflowSnapshots } from '@/lib/db/schema';
import {
  compactNodes,
  FINISHED_NODE_PHASES,
  gpuSecondsOf,
  stepPodName,
  tailBytes,
} from '@/lib/domain/workflow/step-status';
import type { StallPolicy } from '@/lib/domain/workflow/stall';
import { LABEL_JOB_ID } from '@/lib/domain/terms';
import type { Ctx } from '../context';
import { listFollowedJobs } from '../scheduler/followed-jobs';
import { applyWorkflowPhase, markMissing } from '../scheduler/sync-job-phases';
import { workflowKey, workflowNamespaceOf } from '../tenancy/workflow-namespace';
import { failStalledWorkflows } from './fail-stalled-workflows';

const STEP_LOG_MAX_BYTES = 64 * 1024;
/** Lines read per capture; the stored copy is then cut to STEP_LOG_MAX_BYTES. */
const CAPTURE_LINES = 4000;
const LOG_READS_AT_ONCE = 8;
/** Above this many logs due at once, the workflow's pods are listed first (see syncWorkflow). */
const LIST_PODS_ABOVE = 16;

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface WorkflowSyncDeps {
  workflows(): Promise<Workflow[]>;
  /** null when the pod is gone or not started. */
  readLog(podName: string, opts: { namespace?: string; tailLines: number }): Promise<string | null>;
  /** Terminates a stalled Workflow (default: lib/cluster's stopJob). */
  terminate?(workflowName: string, namespace?: string): Promise<void>;
  /** Names of the workflow's pods that exist now; without it, every due log is read. */
  podNames?(workflowName: string, namespace: string | undefined): Promise<Set<string>>;
}

const clusterDeps: WorkflowSyncDeps = {
  workflows: listJobWorkflows,
  readLog: (podName, opts) => findStepLog(podName, opts),
  podNames: workflowPodNames,
};

export interface WorkflowSyncResult {
  phaseChanges: number;
  snapshots: number;
  logsStored: number;
  /** jobs failed as WORKFLOW_STALLED (list path only) */
  stalled?: number;
}

/**
 * The list path (the periodic reconcile pass): lists Gantry's Workflows once, runs each through
 * syncWorkflow, fails the jobs whose Workflow stalled (WORKFLOW_STALLED, the Workflow terminated),
 * then fails the submitted/running jobs whose Workflow is no longer listed.
 */
export async function syncWorkflows(
  {
    ctx,
    now,
    stall,
    each = true,
    freshWithinMs,
  }: {
    ctx: Ctx;
    now?: number;
    stall?: StallPolicy;
    /** false: only the checks across the list (vanished, stalled); the caller syncs each workflow itself. */
    each?: boolean;
    /** Skip the snapshot and logs of workflows whose snapshot (same phase) was written this recently. */
    freshWithinMs?: number;
  },
  deps: WorkflowSyncDeps = clusterDeps,
): Promise<WorkflowSyncResult> {
  // Read before the list: a job seen as submitted already had its Workflow created.
  const live = await listFollowedJobs(ctx);
  const workflows = await deps.workflows();
  const result: WorkflowSyncResult = { phaseChanges: 0, snapshots: 0, logsStored: 0 };
  for (const wf of each ? workflows : []) {
    const one = await syncWorkflow({ ctx, freshWithinMs }, wf, deps);
    result.phaseChanges += one.phaseChanges;
    result.snapshots += one.snapshots;
    result.logsStored += one.logsStored;
  }
  const stalled = await failStalledWorkflows(
    { ctx, workflows, now, policy: stall },
    deps.terminate ? { terminate: deps.terminate } : undefined,
  );
  result.phaseChanges += stalled.length;
  result.stalled = stalled.length;
  const listed = new Set(workflows.map((w) => workflowKey(w.metadata.namespace, w.metadata.name ?? '')));
  for (const job of live) {
    // A job being preempted loses its Workflow on purpose; finishPreemptions requeues it.
    if (!job.workflowName || listed.has(workflowKey(workflowNamespaceOf(job), job.workflowName)) || job.preemptDeadline)
      continue;
    if (await markMissing(ctx, { id: job.id, state: job.state, workflowName: job.workflowName })) result.phaseChanges++;
  }
  return result;
}

/**
 * A Workflow retried in place ends twice: an end from before the job's latest admission belongs to
 * the attempt that was retried (an event still in flight), never to the one now running.
 */
function endedBefore(status: NonNullable<Workflow['status']>, admittedAt: Date | null): boolean {
  if (!admittedAt || !status.finishedAt || !['Succeeded', 'Failed', 'Error'].includes(status.phase ?? '')) return false;
  // Argo writes whole seconds: a workflow that ends within its admission's second is not stale.
  return Date.parse(status.finishedAt) < Math.floor(admittedAt.getTime() / 1000) * 1000;
}

/** The Workflow the job points at now: same name, in the namespace the job recorded (its team's, or the shared one). */
function isJobsWorkflow(job: { workflowName: string | null; workflowNamespace: string | null }, wf: Workflow): boolean {
  return (
    job.workflowName === wf.metadata.name &&
    (!wf.metadata.namespace || workflowNamespaceOf(job) === wf.metadata.namespace)
  );
}

function jobIdOf(wf: Workflow): number | null {
  const id = Number(wf.metadata.labels?.[LABEL_JOB_ID]);
  return Number.isSafeInteger(id) && id > 0 && wf.metadata.name ? id : null;
}

/**
 * The watch path's handling of a DELETED event: the job this Workflow belongs to (if it still points
 * at it and is submitted or running, not being preempted) fails with WORKFLOW_MISSING. Idempotent.
 */
export async function syncVanishedWorkflow({ ctx }: { ctx: Ctx }, wf: Workflow): Promise<number> {
  const id = jobIdOf(wf);
  if (id === null) return 0;
  // A phase event of the same Workflow handled at the same time (its Running, say) can move the job
  // between the read and the conditional update; the Workflow is gone all the same, so look again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [job] = await listFollowedJobs(ctx, id);
    if (!job || !isJobsWorkflow(job, wf) || job.preemptDeadline) return 0;
    if (await markMissing(ctx, { id: job.id, state: job.state, workflowName: job.workflowName! })) return 1;
  }
  return 0;
}

/**
 * The phase half of syncWorkflow: moves the job on by its Workflow's phase (conditional, so any
 * number of calls in any order never move a job backwards or twice). null when the Workflow is
 * not the current attempt of a job Gantry knows.
 */
export async function syncWorkflowPhase(
  { ctx }: { ctx: Ctx },
  wf: Workflow,
): Promise<{ jobId: number; moved: boolean } | null> {
  const id = jobIdOf(wf);
  if (id === null) return null;
  const name = wf.metadata.name!;
  // Only Workflows of jobs Gantry still knows, and only the attempt the job points at now. FOR
  // SHARE waits for a launch in progress: it holds the job's row while it creates the Workflow and
  // records the job as submitted, and a Workflow can start before that commits. Read without the
  // lock, such a job was still "admitted", its Running was dropped, and the job waited for the
  // Workflow's next status write (tens of seconds when its steps wait for GPUs).
  const [job] = await ctx.db
    .select({
      id: jobs.id,
      state: jobs.state,
      workflowName: jobs.workflowName,
      workflowNamespace: jobs.workflowNamespace,
      admittedAt: jobs.admittedAt,
    })
    .from(jobs)
    .where(eq(jobs.id, id))
    .for('share');
  if (!job || !isJobsWorkflow(job, wf)) return null;
  const status = wf.status ?? {};
  if ((job.state !== 'submitted' && job.state !== 'running') || endedBefore(status, job.admittedAt))
    return { jobId: id, moved: false };
  const moved = await applyWorkflowPhase(ctx, job, {
    jobId: String(id),
    workflowName: name,
    phase: status.phase ?? null,
    startedAt: status.startedAt ?? null,
    finishedAt: status.finishedAt ?? null,
    message: status.message ?? null,
  });
  return { jobId: id, moved };
}

/**
 * One Workflow object (from a list or a watch event): moves its job on by phase, overwrites the
 * job's snapshot when the resourceVersion or uid changed, and stores step logs. Idempotent.
 */
export async function syncWorkflow(
  { ctx, freshWithinMs }: { ctx: Ctx; freshWithinMs?: number },
  wf: Workflow,
  deps: Pick<WorkflowSyncDeps, 'readLog' | 'podNames'> = clusterDeps,
): Promise<WorkflowSyncResult> {
  const result: WorkflowSyncResult = { phaseChanges: 0, snapshots: 0, logsStored: 0 };
  const phase = await syncWorkflowPhase({ ctx }, wf);
  if (!phase) return result;
  if (phase.moved) result.phaseChanges++;
  const id = phase.jobId;
  const name = wf.metadata.name!;
  const status = wf.status ?? {};

  const [snap] = await ctx.db
    .select({
      rv: workflowSnapshots.resourceVersion,
      uid: workflowSnapshots.workflowUid,
      phase: workflowSnapshots.phase,
      updatedAt: workflowSnapshots.updatedAt,
    })
    .from(workflowSnapshots)
    .where(eq(workflowSnapshots.jobId, id));
  // The reconcile pass repairs what the follower missed; a snapshot of this attempt in the same
  // phase that the follower wrote moments ago needs no repair (rewriting it for a newer
  // resourceVersion doubled the sync's work on 100 busy 1,000-step workflows).
  const now = Date.now();
  if (
    freshWithinMs &&
    snap &&
    snap.uid === (wf.metadata.uid ?? null) &&
    snap.phase === (status.phase ?? null) &&
    now - snap.updatedAt.getTime() < freshWithinMs
  )
    return result;
  const logRows = await ctx.db
    .select({ nodeId: stepLogs.nodeId, complete: stepLogs.complete })
    .from(stepLogs)
    .where(eq(stepLogs.jobId, id));
  const completeLogs = new Set(logRows.filter((r) => r.complete).map((r) => r.nodeId));

  const nodes = compactNodes(status.nodes);
  const rv = wf.metadata.resourceVersion ?? null;
  const uid = wf.metadata.uid ?? null;
  if (snap && snap.uid !== uid) {
    await ctx.db.delete(stepLogs).where(eq(stepLogs.jobId, id));
    completeLogs.clear();
  }
  if (!rv || snap?.rv !== rv || snap.uid !== uid) {
    const podSeconds = Object.values(nodes).reduce(
      (s, n) => s + (n.type === 'Pod' ? gpuSecondsOf(n.resourcesDuration) : 0),
      0,
    );
    const row = {
      workflowName: name,
      workflowUid: uid,
      resourceVersion: rv,
      phase: status.phase ?? null,
      startedAt: status.startedAt ? new Date(status.startedAt) : null,
      finishedAt: status.finishedAt ? new Date(status.finishedAt) : null,
      gpuSeconds: Math.max(gpuSecondsOf(status.resourcesDuration), podSeconds),
      // Serialized once, here, as one text parameter: handed over as an object, a 1,000-step
      // snapshot (0.4 MB) was walked and serialized by the query builder once per use (insert
      // and update), a sixth of the follower's CPU with 100 busy 1,000-step workflows.
      nodes: sql<typeof nodes>`${JSON.stringify(nodes)}::jsonb`,
      updatedAt: new Date(),
    };
    const columns = getTableColumns(workflowSnapshots);
    const update = Object.fromEntries(
      Object.keys(row).map((k) => [k, sql.raw(`excluded.${columns[k as keyof typeof columns].name}`)]),
    );
    await ctx.db
      .insert(workflowSnapshots)
      .values({ jobId: id, ...row })
      .onConflictDoUpdate({ target: workflowSnapshots.jobId, set: update });
    result.snapshots++;
  }

  // Each step's log is captured once, when the step has finished: its pod outlives it by the
  // podGC delay (builders/common.ts), and while it runs the log is read live from the pod. Reads
  // go out a few at a time; the rows are written in one statement per kind.
  const due = Object.values(nodes)
    .filter(
      (n) => n.type === 'Pod' && n.startedAt && !completeLogs.has(n.id) && FINISHED_NODE_PHASES.has(n.phase ?? ''),
    )
    .map((node) => ({ nodeId: node.id, podName: stepPodName(name, node.name, node.templateName) }));
  const captured: Array<{ nodeId: string; podName: string; text: string }> = [];
  const gone: Array<{ nodeId: string; podName: string }> = [];
  // Many finished steps not yet captured (a worker restart in the middle of big workflows, or a
  // stretch of missed events) would cost a log read each, mostly for pods podGC already deleted:
  // one list of the workflow's pods first, and only the pods still there are read.
  let toRead = due;
  if (due.length > LIST_PODS_ABOVE && deps.podNames) {
    const live = await deps.podNames(name, wf.metadata.namespace);
    toRead = [];
    for (const step of due) (live.has(step.podName) ? toRead : gone).push(step);
  }
  await forEachLimited(toRead, LOG_READS_AT_ONCE, async ({ nodeId, podName }) => {
    try {
      const text = await deps.readLog(podName, { namespace: wf.metadata.namespace, tailLines: CAPTURE_LINES });
      // null: the pod is gone (or never started): keep whatever copy exists, and stop asking.
      if (text === null) gone.push({ nodeId, podName });
      else captured.push({ nodeId, podName, text: tailBytes(text, STEP_LOG_MAX_BYTES) });
    } catch (err) {
      ctx.log.warn({ err, jobId: id, podName }, 'step log not read; trying again next pass');
    }
  });
  const at = new Date();
  // up to 100 rows (at most 6.4 MB of log text) per statement
  for (let i = 0; i < captured.length; i += 100) {
    await ctx.db
      .insert(stepLogs)
      .values(captured.slice(i, i + 100).map((c) => ({ jobId: id, ...c, complete: true, updatedAt: at })))
      .onConflictDoUpdate({
        target: [stepLogs.jobId, stepLogs.nodeId],
        set: { podName: sql`excluded.pod_name`, text: sql`excluded.text`, complete: true, updatedAt: at },
      });
  }
  if (gone.length) {
    await ctx.db
      .insert(stepLogs)
      .values(gone.map((g) => ({ jobId: id, ...g, text: '', complete: true, updatedAt: at })))
      .onConflictDoUpdate({ target: [stepLogs.jobId, stepLogs.nodeId], set: { complete: true, updatedAt: at } });
  }
  result.logsStored += captured.length + gone.length;
  return result;
}

// The workflow sync: one Workflow object at a time (syncWorkflow, shared by the list pass and the
// watch-driven WorkflowFollower) moves its job on by phase, overwrites each job's snapshot of
// status.nodes and GPU-seconds, and keeps the last 64 KiB of every step's log in step_logs so the
// logs outlive pod garbage collection (Gantry's default podGC deletes a pod as soon as it succeeds).
import { and, eq, inArray } from 'drizzle-orm';
import { listJobWorkflows } from '@/lib/cluster/job-runner';
import { findStepLog } from '@/lib/cluster/pods';
import type { Workflow } from '@/lib/cluster/workflows';
import { jobs, stepLogs, workflowSnapshots } from '@/lib/db/schema';
import { compactNodes, FINISHED_NODE_PHASES, gpuSecondsOf, stepPodName, tailBytes } from '@/lib/domain/workflow/step-status';
import type { Ctx } from '../context';
import { applyWorkflowPhase, markMissing } from '../scheduler/sync-job-phases';

export const STEP_LOG_MAX_BYTES = 64 * 1024;
/** Lines read per capture; the stored copy is then cut to STEP_LOG_MAX_BYTES. */
const CAPTURE_LINES = 4000;

export interface WorkflowSyncDeps {
  workflows(): Promise<Workflow[]>;
  /** null when the pod is gone or not started. */
  readLog(podName: string, opts: { namespace?: string; tailLines: number }): Promise<string | null>;
}

const clusterDeps: WorkflowSyncDeps = {
  workflows: listJobWorkflows,
  readLog: (podName, opts) => findStepLog(podName, opts),
};

export interface WorkflowSyncResult {
  phaseChanges: number;
  snapshots: number;
  logsStored: number;
}

/**
 * The list path (the periodic reconcile pass): lists Gantry's Workflows once, runs each through
 * syncWorkflow, then fails the submitted/running jobs whose Workflow is no longer listed.
 */
export async function syncWorkflows({ ctx }: { ctx: Ctx }, deps: WorkflowSyncDeps = clusterDeps): Promise<WorkflowSyncResult> {
  // Read before the list: a job seen as submitted already had its Workflow created.
  const live = await ctx.db
    .select({ id: jobs.id, state: jobs.state, workflowName: jobs.workflowName, preemptDeadline: jobs.preemptDeadline })
    .from(jobs)
    .where(inArray(jobs.state, ['submitted', 'running']));
  const workflows = await deps.workflows();
  const result: WorkflowSyncResult = { phaseChanges: 0, snapshots: 0, logsStored: 0 };
  for (const wf of workflows) {
    const one = await syncWorkflow({ ctx }, wf, deps);
    result.phaseChanges += one.phaseChanges;
    result.snapshots += one.snapshots;
    result.logsStored += one.logsStored;
  }
  const listed = new Set(workflows.map((w) => w.metadata.name));
  for (const job of live) {
    // A job being preempted loses its Workflow on purpose; finishPreemptions requeues it.
    if (!job.workflowName || listed.has(job.workflowName) || job.preemptDeadline) continue;
    if (await markMissing(ctx, { id: job.id, state: job.state, workflowName: job.workflowName })) result.phaseChanges++;
  }
  return result;
}

function jobIdOf(wf: Workflow): number | null {
  const id = Number(wf.metadata.labels?.['gantry.dev/job-id']);
  return Number.isSafeInteger(id) && id > 0 && wf.metadata.name ? id : null;
}

/**
 * The watch path's handling of a DELETED event: the job this Workflow belongs to (if it still points
 * at it and is submitted or running, not being preempted) fails with WORKFLOW_MISSING. Idempotent.
 */
export async function syncVanishedWorkflow({ ctx }: { ctx: Ctx }, wf: Workflow): Promise<number> {
  const id = jobIdOf(wf);
  if (id === null) return 0;
  const [job] = await ctx.db
    .select({ id: jobs.id, state: jobs.state, workflowName: jobs.workflowName, preemptDeadline: jobs.preemptDeadline })
    .from(jobs)
    .where(and(eq(jobs.id, id), inArray(jobs.state, ['submitted', 'running'])));
  if (!job || job.workflowName !== wf.metadata.name || job.preemptDeadline) return 0;
  return (await markMissing(ctx, { id: job.id, state: job.state, workflowName: job.workflowName })) ? 1 : 0;
}

/**
 * One Workflow object (from a list or a watch event): moves its job on by phase, overwrites the
 * job's snapshot when the resourceVersion or uid changed, and stores step logs. Idempotent.
 */
export async function syncWorkflow({ ctx }: { ctx: Ctx }, wf: Workflow, deps: Pick<WorkflowSyncDeps, 'readLog'> = clusterDeps): Promise<WorkflowSyncResult> {
  const result: WorkflowSyncResult = { phaseChanges: 0, snapshots: 0, logsStored: 0 };
  const id = jobIdOf(wf);
  if (id === null) return result;
  const name = wf.metadata.name!;
  // Only Workflows of jobs Gantry still knows, and only the attempt the job points at now.
  const [job] = await ctx.db.select({ id: jobs.id, state: jobs.state, workflowName: jobs.workflowName }).from(jobs).where(eq(jobs.id, id));
  if (!job || job.workflowName !== name) return result;
  const status = wf.status ?? {};
  if (job.state === 'submitted' || job.state === 'running') {
    const moved = await applyWorkflowPhase(ctx, job, {
      jobId: String(id),
      workflowName: name,
      phase: status.phase ?? null,
      startedAt: status.startedAt ?? null,
      finishedAt: status.finishedAt ?? null,
      message: status.message ?? null,
    });
    if (moved) result.phaseChanges++;
  }

  const [snap] = await ctx.db
    .select({ rv: workflowSnapshots.resourceVersion, uid: workflowSnapshots.workflowUid })
    .from(workflowSnapshots)
    .where(eq(workflowSnapshots.jobId, id));
  const logRows = await ctx.db.select({ nodeId: stepLogs.nodeId, complete: stepLogs.complete }).from(stepLogs).where(eq(stepLogs.jobId, id));
  const completeLogs = new Set(logRows.filter((r) => r.complete).map((r) => r.nodeId));

  const nodes = compactNodes(status.nodes);
  const rv = wf.metadata.resourceVersion ?? null;
  const uid = wf.metadata.uid ?? null;
  if (snap && snap.uid !== uid) {
    await ctx.db.delete(stepLogs).where(eq(stepLogs.jobId, id));
    completeLogs.clear();
  }
  if (!rv || snap?.rv !== rv || snap.uid !== uid) {
    const podSeconds = Object.values(nodes).reduce((s, n) => s + (n.type === 'Pod' ? gpuSecondsOf(n.resourcesDuration) : 0), 0);
    const row = {
      workflowName: name,
      workflowUid: uid,
      resourceVersion: rv,
      phase: status.phase ?? null,
      startedAt: status.startedAt ? new Date(status.startedAt) : null,
      finishedAt: status.finishedAt ? new Date(status.finishedAt) : null,
      gpuSeconds: Math.max(gpuSecondsOf(status.resourcesDuration), podSeconds),
      nodes,
      updatedAt: new Date(),
    };
    await ctx.db.insert(workflowSnapshots).values({ jobId: id, ...row }).onConflictDoUpdate({ target: workflowSnapshots.jobId, set: row });
    result.snapshots++;
  }

  for (const node of Object.values(nodes)) {
    if (node.type !== 'Pod' || !node.startedAt || completeLogs.has(node.id)) continue;
    const finished = FINISHED_NODE_PHASES.has(node.phase ?? '');
    if (!finished && node.phase !== 'Running') continue;
    const podName = stepPodName(name, node.name, node.templateName);
    let text: string | null;
    try {
      text = await deps.readLog(podName, { namespace: wf.metadata.namespace, tailLines: CAPTURE_LINES });
    } catch (err) {
      ctx.log.warn({ err, jobId: id, podName }, 'step log not read; trying again next pass');
      continue;
    }
    if (text === null && !finished) continue;
    const at = new Date();
    if (text === null) {
      // A finished step whose pod is gone keeps the last copy captured while it ran.
      await ctx.db
        .insert(stepLogs)
        .values({ jobId: id, nodeId: node.id, podName, text: '', complete: true, updatedAt: at })
        .onConflictDoUpdate({ target: [stepLogs.jobId, stepLogs.nodeId], set: { complete: true, updatedAt: at } });
    } else {
      const row = { podName, text: tailBytes(text, STEP_LOG_MAX_BYTES), complete: finished, updatedAt: at };
      await ctx.db
        .insert(stepLogs)
        .values({ jobId: id, nodeId: node.id, ...row })
        .onConflictDoUpdate({ target: [stepLogs.jobId, stepLogs.nodeId], set: row });
    }
    result.logsStored++;
  }
  return result;
}

// The workflow sync: each pass lists Gantry's Workflows once, moves jobs on by phase (through
// syncJobPhases, which also fails jobs whose Workflow vanished), overwrites each job's snapshot of
// status.nodes and GPU-seconds, and keeps the last 64 KiB of every step's log in step_logs so the
// logs outlive pod garbage collection (Gantry's default podGC deletes a pod as soon as it succeeds).
import { eq, inArray } from 'drizzle-orm';
import { listJobWorkflows } from '@/lib/cluster/job-runner';
import { findStepLog } from '@/lib/cluster/pods';
import type { Workflow } from '@/lib/cluster/workflows';
import { jobs, stepLogs, workflowSnapshots } from '@/lib/db/schema';
import { compactNodes, FINISHED_NODE_PHASES, gpuSecondsOf, stepPodName, tailBytes } from '@/lib/domain/workflow/step-status';
import type { Ctx } from '../context';
import { syncJobPhases } from '../scheduler/sync-job-phases';

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

export async function syncWorkflows({ ctx }: { ctx: Ctx }, deps: WorkflowSyncDeps = clusterDeps): Promise<WorkflowSyncResult> {
  let listed: Workflow[] | null = null;
  const phaseChanges = await syncJobPhases(
    { ctx },
    {
      phases: async () => {
        listed = await deps.workflows();
        return listed.map((w) => ({
          jobId: w.metadata.labels?.['gantry.dev/job-id'] ?? '',
          workflowName: w.metadata.name ?? '',
          phase: w.status?.phase ?? null,
          startedAt: w.status?.startedAt ?? null,
          finishedAt: w.status?.finishedAt ?? null,
          message: w.status?.message ?? null,
        }));
      },
    },
  );
  const workflows: Workflow[] = listed ?? (await deps.workflows());
  const byJob = new Map<number, Workflow>();
  for (const w of workflows) {
    const id = Number(w.metadata.labels?.['gantry.dev/job-id']);
    if (Number.isSafeInteger(id) && id > 0 && w.metadata.name) byJob.set(id, w);
  }
  const result: WorkflowSyncResult = { phaseChanges, snapshots: 0, logsStored: 0 };
  if (byJob.size === 0) return result;

  const ids = [...byJob.keys()];
  // Only Workflows of jobs Gantry still knows, and only the attempt the job points at now.
  const known = await ctx.db.select({ id: jobs.id, workflowName: jobs.workflowName }).from(jobs).where(inArray(jobs.id, ids));
  const snaps = new Map(
    (
      await ctx.db
        .select({ jobId: workflowSnapshots.jobId, rv: workflowSnapshots.resourceVersion, uid: workflowSnapshots.workflowUid })
        .from(workflowSnapshots)
        .where(inArray(workflowSnapshots.jobId, ids))
    ).map((s) => [s.jobId, s]),
  );
  const logRows = await ctx.db.select({ jobId: stepLogs.jobId, nodeId: stepLogs.nodeId, complete: stepLogs.complete }).from(stepLogs).where(inArray(stepLogs.jobId, ids));
  const completeLogs = new Set(logRows.filter((r) => r.complete).map((r) => `${r.jobId}/${r.nodeId}`));

  for (const job of known) {
    const wf = byJob.get(job.id)!;
    const name = wf.metadata.name!;
    if (job.workflowName !== name) continue;
    const status = wf.status ?? {};
    const nodes = compactNodes(status.nodes);
    const rv = wf.metadata.resourceVersion ?? null;
    const uid = wf.metadata.uid ?? null;
    const snap = snaps.get(job.id);
    if (snap && snap.uid !== uid) {
      await ctx.db.delete(stepLogs).where(eq(stepLogs.jobId, job.id));
      for (const key of [...completeLogs]) if (key.startsWith(`${job.id}/`)) completeLogs.delete(key);
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
      await ctx.db.insert(workflowSnapshots).values({ jobId: job.id, ...row }).onConflictDoUpdate({ target: workflowSnapshots.jobId, set: row });
      result.snapshots++;
    }

    for (const node of Object.values(nodes)) {
      if (node.type !== 'Pod' || !node.startedAt || completeLogs.has(`${job.id}/${node.id}`)) continue;
      const finished = FINISHED_NODE_PHASES.has(node.phase ?? '');
      if (!finished && node.phase !== 'Running') continue;
      const podName = stepPodName(name, node.name, node.templateName);
      let text: string | null;
      try {
        text = await deps.readLog(podName, { namespace: wf.metadata.namespace, tailLines: CAPTURE_LINES });
      } catch (err) {
        ctx.log.warn({ err, jobId: job.id, podName }, 'step log not read; trying again next pass');
        continue;
      }
      if (text === null && !finished) continue;
      const at = new Date();
      if (text === null) {
        // A finished step whose pod is gone keeps the last copy captured while it ran.
        await ctx.db
          .insert(stepLogs)
          .values({ jobId: job.id, nodeId: node.id, podName, text: '', complete: true, updatedAt: at })
          .onConflictDoUpdate({ target: [stepLogs.jobId, stepLogs.nodeId], set: { complete: true, updatedAt: at } });
      } else {
        const row = { podName, text: tailBytes(text, STEP_LOG_MAX_BYTES), complete: finished, updatedAt: at };
        await ctx.db
          .insert(stepLogs)
          .values({ jobId: job.id, nodeId: node.id, ...row })
          .onConflictDoUpdate({ target: [stepLogs.jobId, stepLogs.nodeId], set: row });
      }
      result.logsStored++;
    }
  }
  return result;
}


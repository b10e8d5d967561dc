// The live DAG of a job's Workflow, built from the snapshot the workflow sync stored.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { jobs, workflowSnapshots } from '@/lib/db/schema';
import type { WorkflowGraph } from '@/lib/domain/workflow/graph-model';
import { buildLiveGraph } from '@/lib/domain/workflow/live-graph';
import { stepPodName } from '@/lib/domain/workflow/step-status';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { JobId, parseInput } from '../validate';
import { requireVisibleJob } from '../jobs/job-access';

const GetJobWorkflowInput = z.object({ id: JobId });
type GetJobWorkflowInput = z.infer<typeof GetJobWorkflowInput>;

export interface JobWorkflowView {
  jobId: string;
  workflowName: string | null;
  phase: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  gpuSeconds: number;
  /** When the sync last saw the Workflow. */
  syncedAt: string | null;
  graph: WorkflowGraph | null;
  /** Per step that runs a pod: its pod name and output parameters and exit code. */
  steps: Record<string, { podName: string; outputs: Record<string, string> }>;
}

export async function getJobWorkflow({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<JobWorkflowView> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(GetJobWorkflowInput, input);
  // Like the job itself (and its step parameters and outputs): owner, team and admins; others get 404.
  await requireVisibleJob(ctx, id);
  const [job] = await ctx.db.select({ workflowName: jobs.workflowName }).from(jobs).where(eq(jobs.id, id));
  if (!job) throw notFound('Job');
  const [snap] = await ctx.db.select().from(workflowSnapshots).where(eq(workflowSnapshots.jobId, id));
  if (!snap) {
    return {
      jobId: String(id),
      workflowName: job.workflowName,
      phase: null,
      startedAt: null,
      finishedAt: null,
      gpuSeconds: 0,
      syncedAt: null,
      graph: null,
      steps: {},
    };
  }
  const { graph } = buildLiveGraph(
    {
      metadata: { name: snap.workflowName },
      status: { phase: snap.phase ?? undefined, nodes: snap.nodes },
    },
    { now: Date.now() },
  );
  const steps: JobWorkflowView['steps'] = {};
  for (const [nodeId, n] of Object.entries(snap.nodes)) {
    if (n.type !== 'Pod') continue;
    const outputs: Record<string, string> = {};
    for (const p of n.outputs?.parameters ?? []) outputs[p.name] = p.value ?? '';
    if (n.outputs?.exitCode !== undefined) outputs['exit code'] = n.outputs.exitCode;
    steps[nodeId] = { podName: stepPodName(snap.workflowName, n.name, n.templateName), outputs };
  }
  return {
    jobId: String(id),
    workflowName: snap.workflowName,
    phase: snap.phase,
    startedAt: snap.startedAt?.toISOString() ?? null,
    finishedAt: snap.finishedAt?.toISOString() ?? null,
    gpuSeconds: snap.gpuSeconds,
    syncedAt: snap.updatedAt.toISOString(),
    graph,
    steps,
  };
}

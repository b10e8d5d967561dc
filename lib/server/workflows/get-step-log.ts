// A step's log: live from its pod while the pod exists, else the copy the workflow sync stored.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { findStepLog } from '@/lib/cluster/pods';
import { jobs, stepLogs, workflowSnapshots } from '@/lib/db/schema';
import { stepPodName } from '@/lib/domain/workflow/step-status';
import { requireRole, type Ctx } from '../context';
import { invalid, notFound, unavailable } from '../errors';
import { requireVisibleJob } from '../jobs/job-access';
import { workflowNamespaceOf } from '../tenancy/workflow-namespace';
import { JobId, parseInput } from '../validate';

const GetStepLogInput = z.object({
  id: JobId,
  nodeId: z.string().min(1, 'Not a step id').max(300, 'Not a step id'),
  tailLines: z.coerce
    .number({ error: 'Expected a number of lines' })
    .int('Expected a whole number of lines')
    .min(1, 'At least 1 line')
    .max(10_000, 'At most 10000 lines')
    .default(500),
});
type GetStepLogInput = z.infer<typeof GetStepLogInput>;

export interface StepLogView {
  jobId: string;
  nodeId: string;
  podName: string;
  /** pod: read live; stored: the sync's copy (last 64 KiB); none: not started yet. */
  source: 'pod' | 'stored' | 'none';
  /** true once the step finished and the text will not grow. */
  complete: boolean;
  text: string;
}

export interface StepLogDeps {
  readLog(podName: string, opts: { namespace?: string; tailLines: number }): Promise<string | null>;
}

export async function getStepLog(
  { ctx, input }: { ctx: Ctx; input: unknown },
  deps: StepLogDeps = { readLog: findStepLog },
): Promise<StepLogView> {
  requireRole(ctx, 'viewer');
  const { id, nodeId, tailLines } = parseInput(GetStepLogInput, input);
  // Logs may hold data and secrets: the job's owner, its team and admins only; others get 404.
  await requireVisibleJob(ctx, id);
  const [snap] = await ctx.db
    .select({
      workflowName: workflowSnapshots.workflowName,
      nodes: workflowSnapshots.nodes,
      workflowNamespace: jobs.workflowNamespace,
    })
    .from(workflowSnapshots)
    .innerJoin(jobs, eq(jobs.id, workflowSnapshots.jobId))
    .where(eq(workflowSnapshots.jobId, id));
  const node = snap?.nodes[nodeId];
  if (!snap || !node) throw notFound('Step');
  if (node.type !== 'Pod')
    throw invalid(`Step ${node.displayName ?? node.name} runs no pod, so it has no log`, [
      { field: 'nodeId', message: 'Expected a step that runs a pod' },
    ]);
  const podName = stepPodName(snap.workflowName, node.name, node.templateName);
  const [stored] = await ctx.db
    .select()
    .from(stepLogs)
    .where(and(eq(stepLogs.jobId, id), eq(stepLogs.nodeId, nodeId)));
  const base = { jobId: String(id), nodeId, podName };

  let live: string | null = null;
  let liveError: unknown;
  try {
    live = await deps.readLog(podName, { namespace: workflowNamespaceOf(snap), tailLines });
  } catch (e) {
    liveError = e;
  }
  if (live !== null) return { ...base, source: 'pod', complete: stored?.complete ?? false, text: live };
  if (stored) return { ...base, source: 'stored', complete: stored.complete, text: lastLines(stored.text, tailLines) };
  if (liveError) throw unavailable('The cluster did not return the log and no copy is stored yet', liveError);
  return { ...base, source: 'none', complete: false, text: '' };
}

function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  const trailing = lines.at(-1) === '' ? 1 : 0;
  return lines.length - trailing <= n ? text : lines.slice(lines.length - trailing - n).join('\n');
}

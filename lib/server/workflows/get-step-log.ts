// A step's log: live from its pod while the pod exists, else the copy the workflow sync stored.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { findStepLog } from '@/lib/cluster/pods';
import { jobs, memberships, stepLogs, workflowSnapshots } from '@/lib/db/schema';
import { stepPodName } from '@/lib/domain/workflow/step-status';
import { requireRole, type Ctx } from '../context';
import { forbidden, invalid, notFound, unavailable } from '../errors';
import { parseInput } from '../validate';

export const GetStepLogInput = z.object({
  id: z.coerce.number({ error: 'Not a job id' }).int('Not a job id').positive('Not a job id'),
  nodeId: z.string().min(1, 'Not a step id').max(300, 'Not a step id'),
  tailLines: z.coerce.number({ error: 'Expected a number of lines' }).int('Expected a whole number of lines').min(1, 'At least 1 line').max(10_000, 'At most 10000 lines').default(500),
});
export type GetStepLogInput = z.infer<typeof GetStepLogInput>;

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
  readLog(podName: string, opts: { tailLines: number }): Promise<string | null>;
}

/** Only the owner, members of the job's team and admins read logs and step parameters (they may hold data and secrets). */
export async function canReadJobOutput(ctx: Ctx, jobId: number): Promise<boolean> {
  const [row] = await ctx.db.select({ userId: jobs.userId, teamId: jobs.teamId }).from(jobs).where(eq(jobs.id, jobId));
  if (!row) throw notFound('Job');
  if (ctx.actor.role === 'admin' || row.userId === ctx.actor.id) return true;
  const [member] = await ctx.db
    .select({ u: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.userId, ctx.actor.id), eq(memberships.teamId, row.teamId)));
  return Boolean(member);
}

export async function getStepLog({ ctx, input }: { ctx: Ctx; input: unknown }, deps: StepLogDeps = { readLog: findStepLog }): Promise<StepLogView> {
  requireRole(ctx, 'viewer');
  const { id, nodeId, tailLines } = parseInput(GetStepLogInput, input);
  if (!(await canReadJobOutput(ctx, id))) throw forbidden('Only the job owner, its team and admins may read its logs');
  const [snap] = await ctx.db.select({ workflowName: workflowSnapshots.workflowName, nodes: workflowSnapshots.nodes }).from(workflowSnapshots).where(eq(workflowSnapshots.jobId, id));
  const node = snap?.nodes[nodeId];
  if (!snap || !node) throw notFound('Step');
  if (node.type !== 'Pod') throw invalid(`Step ${node.displayName ?? node.name} runs no pod, so it has no log`, [{ field: 'nodeId', message: 'Expected a step that runs a pod' }]);
  const podName = stepPodName(snap.workflowName, node.name, node.templateName);
  const [stored] = await ctx.db.select().from(stepLogs).where(and(eq(stepLogs.jobId, id), eq(stepLogs.nodeId, nodeId)));
  const base = { jobId: String(id), nodeId, podName };

  let live: string | null = null;
  let liveError: unknown;
  try {
    live = await deps.readLog(podName, { tailLines });
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

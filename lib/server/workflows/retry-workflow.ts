// The launch half of "retry failed steps" (the request half is jobs/retry-job.ts): once the retried
// job is admitted again, its existing Workflow is retried in place (formulateRetry: failed steps
// removed, their ancestors reset to Running, the failed pods deleted, written back with the
// resourceVersion read) with the spec rebuilt for the new placement, and the stored logs of the
// removed steps are dropped so the re-run steps' logs are captured afresh. A sweep run in parts
// also has its failed parts (child Workflows) deleted and its part template rewritten for the new
// placement: the re-run `resource` steps create those parts afresh, and each does only what is left.
import { and, eq, inArray } from 'drizzle-orm';
import { retryJobWorkflow } from '@/lib/cluster/job-runner';
import type { WorkflowTemplate } from '@/lib/cluster/workflow-templates';
import type { Workflow } from '@/lib/cluster/workflows';
import { stepLogs } from '@/lib/db/schema';
import { formulateRetry, listWorkflowsToRecreate } from '@/lib/domain/workflow/retry';
import type { Ctx } from '../context';

export interface RetriedWorkflow {
  workflowName: string;
  removedNodeIds: string[];
  podsDeleted: number;
  /** child Workflows deleted so that the re-run steps create them afresh */
  workflowsRecreated: string[];
}

export interface RetryWorkflowInput {
  jobId: number;
  workflowName: string;
  /** where the Workflow lives; left out: the shared namespace (a job from before team namespaces) */
  namespace?: string;
  manifest: Workflow;
  /** the WorkflowTemplates the rebuilt manifest refers to (a parted sweep's part) */
  workflowTemplates?: WorkflowTemplate[];
}

export async function retryWorkflow(ctx: Ctx, input: RetryWorkflowInput): Promise<RetriedWorkflow> {
  let removedNodeIds: string[] = [];
  let podsDeleted = 0;
  let workflowsRecreated: string[] = [];
  const wf = await retryJobWorkflow(
    input.workflowName,
    (current) => {
      const plan = formulateRetry(current, new Date().toISOString());
      // Same job, same templates (so the same node names and ids); only the placement may differ.
      plan.workflow.spec = { ...input.manifest.spec };
      removedNodeIds = plan.removedNodeIds;
      podsDeleted = plan.podsToDelete.length;
      workflowsRecreated = listWorkflowsToRecreate(current, plan.removedNodeIds);
      return { ...plan, workflowsToRecreate: workflowsRecreated };
    },
    input.workflowTemplates,
    { namespace: input.namespace },
  );
  if (removedNodeIds.length)
    await ctx.db.delete(stepLogs).where(and(eq(stepLogs.jobId, input.jobId), inArray(stepLogs.nodeId, removedNodeIds)));
  return { workflowName: wf.metadata.name ?? input.workflowName, removedNodeIds, podsDeleted, workflowsRecreated };
}

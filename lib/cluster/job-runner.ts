// The one way Gantry hands a job to the cluster and takes it back. Names derive from the job id
// (`gantry-<id>`), so a retry after a crash adopts the existing Workflow instead of duplicating it.
import { createWorkflow, deleteWorkflow, getWorkflow, listWorkflows, replaceWorkflow, terminateWorkflow, type Workflow } from './workflows';
import { ClusterError, isNotFound } from './errors';
import { deletePod } from './pods';
import { applyWorkflowTemplate, setWorkflowTemplateOwner, type WorkflowTemplate } from './workflow-templates';

/**
 * Creates the job's Workflow; a second call for the same job adopts the first one. The
 * WorkflowTemplates it refers to (the parts of a large sweep) are applied first, one request each,
 * so no part is ever created before its template exists.
 */
export async function submitJob(manifest: Workflow, workflowTemplates: WorkflowTemplate[] = []): Promise<{ workflowName: string; adopted: boolean }> {
  const namespace = manifest.metadata.namespace;
  for (const template of workflowTemplates) await applyWorkflowTemplate(template, { namespace });
  const { workflow, adopted } = await createWorkflow(manifest);
  const workflowName = workflow.metadata.name ?? manifest.metadata.name ?? '';
  // The templates live as long as their Workflow: owned by it, they go when it is deleted.
  const uid = workflow.metadata.uid;
  if (uid) for (const t of workflowTemplates) if (t.metadata.name) await setWorkflowTemplateOwner(t.metadata.name, { name: workflowName, uid }, { namespace });
  return { workflowName, adopted };
}

/** Label of the child Workflows of a sweep split into parts (LABEL_PART in lib/domain/workflow/builders/benchmark.ts). */
const LABEL_PART = 'gantry.dev/part';

/**
 * Stops a running job (cancel); an absent Workflow is already stopped. A sweep's parts are
 * Workflows of their own that Argo does not stop with their parent, so those it owns are stopped
 * too (one list by label, then one patch per part still running).
 */
export async function stopJob(workflowName: string): Promise<void> {
  try {
    await terminateWorkflow(workflowName);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const { items } = await listWorkflows(LABEL_PART);
  for (const part of items) {
    const owned = part.metadata.ownerReferences?.some((o) => o.kind === 'Workflow' && o.name === workflowName);
    if (!owned || ['Succeeded', 'Failed', 'Error'].includes(part.status?.phase ?? '')) continue;
    try {
      await terminateWorkflow(part.metadata.name ?? '');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** Removes a job's Workflow and its pods (preemption), so the job can be submitted again later. */
export async function removeJob(workflowName: string): Promise<void> {
  await deleteWorkflow(workflowName);
}

/**
 * Retries a finished Workflow in place (`argo retry`): reads it, `plan` returns the retried object and
 * the pods of the steps it removed, those pods are deleted (so re-run steps can take their names),
 * then the object is written back with the resourceVersion read. A write that lost a race with the
 * controller (409 Conflict) is planned again from a fresh read, up to three times.
 */
export async function retryJobWorkflow(
  workflowName: string,
  plan: (current: Workflow) => { workflow: Workflow; podsToDelete: string[] },
): Promise<Workflow> {
  for (let attempt = 1; ; attempt++) {
    const current = await getWorkflow(workflowName);
    const { workflow, podsToDelete } = plan(current);
    for (const pod of podsToDelete) await deletePod(pod, { namespace: current.metadata.namespace });
    try {
      return await replaceWorkflow(workflow);
    } catch (e) {
      if (!(e instanceof ClusterError && e.kind === 'Conflict') || attempt >= 3) throw e;
    }
  }
}

/** Phase of every Workflow Gantry created, by job id (label gantry.dev/job-id). */
export async function listJobPhases(): Promise<Array<{ jobId: string; workflowName: string; phase: string | null; startedAt: string | null; finishedAt: string | null; message: string | null }>> {
  const { items } = await listWorkflows('gantry.dev/job-id');
  return items.map((w) => ({
    jobId: w.metadata.labels?.['gantry.dev/job-id'] ?? '',
    workflowName: w.metadata.name ?? '',
    phase: w.status?.phase ?? null,
    startedAt: w.status?.startedAt ?? null,
    finishedAt: w.status?.finishedAt ?? null,
    message: w.status?.message ?? null,
  }));
}

/** Every Workflow Gantry created (label gantry.dev/job-id), with its full status, for the workflow sync. */
export async function listJobWorkflows(): Promise<Workflow[]> {
  return (await listWorkflows('gantry.dev/job-id')).items;
}

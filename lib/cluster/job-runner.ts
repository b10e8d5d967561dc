// The one way Gantry hands a job to the cluster and takes it back. Names derive from the job id
// (`gantry-<id>`), so a retry after a crash adopts the existing Workflow instead of duplicating it.
import { createWorkflow, deleteWorkflow, listWorkflows, terminateWorkflow, type Workflow } from './workflows';
import { isNotFound } from './errors';

/** Creates the job's Workflow; a second call for the same job adopts the first one. */
export async function submitJob(manifest: Workflow): Promise<{ workflowName: string; adopted: boolean }> {
  const { workflow, adopted } = await createWorkflow(manifest);
  return { workflowName: workflow.metadata.name ?? manifest.metadata.name ?? '', adopted };
}

/** Stops a running job (cancel); an absent Workflow is already stopped. */
export async function stopJob(workflowName: string): Promise<void> {
  try {
    await terminateWorkflow(workflowName);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Removes a job's Workflow and its pods (preemption), so the job can be submitted again later. */
export async function removeJob(workflowName: string): Promise<void> {
  await deleteWorkflow(workflowName);
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

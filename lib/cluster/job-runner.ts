// The one way Gantry hands a job to the cluster and takes it back. Names derive from the job id
// (`gantry-<id>`), so a retry after a crash adopts the existing Workflow instead of duplicating it.
// A job's Workflow lives in its team's namespace (older jobs' in the shared GANTRY_NAMESPACE): every
// call that addresses one by name takes `{ namespace }`; left out, it is the shared one.
import {
  createWorkflow,
  deleteWorkflow,
  findWorkflow,
  getWorkflow,
  listWorkflows,
  replaceWorkflow,
  terminateWorkflow,
  type Workflow,
} from './workflows';
import { ClusterError, isConflict, isNotFound } from './errors';
import { deletePod } from './pods';
import { applyWorkflowTemplate, setWorkflowTemplateOwner, type WorkflowTemplate } from './workflow-templates';
import { LABEL_JOB_ID, LABEL_PART } from '@/lib/domain/terms';

/**
 * Creates the job's Workflow; a second call for the same job adopts the first one. The
 * WorkflowTemplates it refers to (the parts of a large sweep) are applied first, one request each,
 * so no part is ever created before its template exists.
 */
export async function submitJob(
  manifest: Workflow,
  workflowTemplates: WorkflowTemplate[] = [],
): Promise<{ workflowName: string; adopted: boolean }> {
  const namespace = manifest.metadata.namespace;
  for (const template of workflowTemplates) await applyWorkflowTemplate(template, { namespace });
  const { workflow, adopted } = await createWorkflow(manifest, { namespace });
  const workflowName = workflow.metadata.name ?? manifest.metadata.name ?? '';
  // The templates live as long as their Workflow: owned by it, they go when it is deleted.
  const uid = workflow.metadata.uid;
  if (uid)
    for (const t of workflowTemplates)
      if (t.metadata.name) await setWorkflowTemplateOwner(t.metadata.name, { name: workflowName, uid }, { namespace });
  return { workflowName, adopted };
}

/**
 * Stops a running job (cancel); an absent Workflow is already stopped. A sweep's parts are
 * Workflows of their own that Argo does not stop with their parent, so those it owns are stopped
 * too (one list by label, then one patch per part still running).
 */
export async function stopJob(workflowName: string, opts: { namespace?: string } = {}): Promise<void> {
  let selector = LABEL_PART;
  try {
    const jobId = (await terminateWorkflow(workflowName, opts)).metadata.labels?.[LABEL_JOB_ID];
    // Parts carry their job's labels: list this job's parts, not every sweep's in the namespace.
    if (jobId) selector = `${LABEL_PART},${LABEL_JOB_ID}=${jobId}`;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const { items } = await listWorkflows(selector, opts);
  for (const part of items) {
    const owned = part.metadata.ownerReferences?.some((o) => o.kind === 'Workflow' && o.name === workflowName);
    if (!owned || ['Succeeded', 'Failed', 'Error'].includes(part.status?.phase ?? '')) continue;
    try {
      await terminateWorkflow(part.metadata.name ?? '', opts);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** Removes a job's Workflow and its pods (preemption), so the job can be submitted again later. */
export async function removeJob(workflowName: string, opts: { namespace?: string } = {}): Promise<void> {
  await deleteWorkflow(workflowName, opts);
}

/** What retryJobWorkflow writes: the retried Workflow and what must go before it runs again. */
export interface WorkflowRetry {
  workflow: Workflow;
  /** Pods of the removed steps, deleted so the re-run steps can take their names. */
  podsToDelete: string[];
  /** Child Workflows the removed steps had created (a sweep's failed parts), deleted so those steps create them afresh. */
  workflowsToRecreate?: string[];
}

/**
 * Retries a finished Workflow in place (`argo retry`): reads it, `plan` returns the retried object and
 * what its removed steps left behind; the WorkflowTemplates it refers to are rewritten for the new
 * placement (owned by it), those pods are deleted, the children to re-create are deleted (only
 * those it owns, each waited for until gone), then the object is written back with the
 * resourceVersion read. A write that lost a race with the controller (409 Conflict) is planned
 * again from a fresh read, up to three times; every step before it is idempotent.
 */
export async function retryJobWorkflow(
  workflowName: string,
  plan: (current: Workflow) => WorkflowRetry,
  workflowTemplates: WorkflowTemplate[] = [],
  opts: { namespace?: string } = {},
): Promise<Workflow> {
  for (let attempt = 1; ; attempt++) {
    const current = await getWorkflow(workflowName, opts);
    const { workflow, podsToDelete, workflowsToRecreate = [] } = plan(current);
    const namespace = current.metadata.namespace;
    const uid = current.metadata.uid ?? '';
    // A re-created part reads its template when it starts: it must name the nodes the job holds now.
    const owner = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: workflowName, uid };
    for (const t of workflowTemplates)
      await applyWorkflowTemplate({ ...t, metadata: { ...t.metadata, ownerReferences: [owner] } }, { namespace });
    for (const pod of podsToDelete) await deletePod(pod, { namespace });
    for (const name of workflowsToRecreate) await deleteOwnedWorkflow(name, uid, { namespace });
    try {
      return await replaceWorkflow(workflow, { namespace });
    } catch (e) {
      if (!isConflict(e) || attempt >= 3) throw e;
    }
  }
}

const GONE_POLLS = 50;
const GONE_POLL_MS = 100;

/**
 * Deletes a child Workflow if `ownerUid` owns it (anyone else's is left, and the step that creates
 * it fails on it as before), in the foreground (its pods go first, so a re-created child can take
 * their names), and waits until it is gone: a re-run step that found it would fail on AlreadyExists.
 */
async function deleteOwnedWorkflow(name: string, ownerUid: string, opts: { namespace?: string }): Promise<void> {
  const child = await findWorkflow(name, opts);
  if (!child || !child.metadata.ownerReferences?.some((o) => o.uid === ownerUid)) return;
  await deleteWorkflow(name, { ...opts, propagationPolicy: 'Foreground' });
  for (let i = 0; i < GONE_POLLS; i++) {
    const still = await findWorkflow(name, opts);
    if (!still || still.metadata.uid !== child.metadata.uid) return;
    await new Promise((r) => setTimeout(r, GONE_POLL_MS));
  }
  throw new ClusterError(
    'Unavailable',
    `Workflow ${name} is still being deleted; the retry goes on at the next pass`,
    503,
  );
}

/** Phase of every Workflow Gantry created, by job id (its LABEL_JOB_ID), in every namespace. */
export async function listJobPhases(): Promise<
  Array<{
    jobId: string;
    workflowName: string;
    namespace: string;
    phase: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    message: string | null;
  }>
> {
  return (await listJobWorkflows()).map((w) => ({
    jobId: w.metadata.labels?.[LABEL_JOB_ID] ?? '',
    workflowName: w.metadata.name ?? '',
    namespace: w.metadata.namespace ?? '',
    phase: w.status?.phase ?? null,
    startedAt: w.status?.startedAt ?? null,
    finishedAt: w.status?.finishedAt ?? null,
    message: w.status?.message ?? null,
  }));
}

/** Every Workflow Gantry created (those with LABEL_JOB_ID) in every namespace, with its full status, for the workflow sync. */
export async function listJobWorkflows(): Promise<Workflow[]> {
  return (await listWorkflows(LABEL_JOB_ID, { allNamespaces: true })).items;
}

// Argo WorkflowTemplates (argoproj.io/v1alpha1, plural `workflowtemplates`, namespaced): what the
// parts of a large benchmark sweep are created from (`spec.workflowTemplateRef`). Names derive from
// the job id, so a second submission of the same job finds its template already there.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { call, ClusterError, toClusterError } from './errors';
import { cluster } from './kube';

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const PLURAL = 'workflowtemplates';

export type WorkflowTemplate = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }>;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
};

type Target = { namespace?: string };
const base = (namespace: string) => ({ group: GROUP, version: VERSION, namespace, plural: PLURAL });

/**
 * Creates the template; when the name is taken (409 AlreadyExists) the existing one is adopted and
 * rewritten to this manifest with one JSON patch (no read first). The patch replaces spec, labels,
 * annotations and owners whole, so nothing of an earlier version lingers (a merge patch would keep, say, the
 * nodeSelector key of a node the job was admitted to before a preemption).
 */
export async function applyWorkflowTemplate(
  manifest: WorkflowTemplate,
  opts?: Target,
): Promise<{ template: WorkflowTemplate; adopted: boolean }> {
  const namespace = opts?.namespace ?? manifest.metadata.namespace ?? cluster().namespace;
  const name = manifest.metadata.name;
  if (!name) throw new ClusterError('Invalid', 'a WorkflowTemplate needs metadata.name', 422);
  try {
    const template = (await cluster().custom.createNamespacedCustomObject({
      ...base(namespace),
      body: manifest,
    })) as WorkflowTemplate;
    return { template, adopted: false };
  } catch (e) {
    const err = toClusterError(e);
    if (!(err.kind === 'Conflict' && err.reason === 'AlreadyExists')) throw err;
  }
  const ops = [
    { op: 'add', path: '/spec', value: manifest.spec },
    { op: 'add', path: '/metadata/labels', value: manifest.metadata.labels ?? {} },
    { op: 'add', path: '/metadata/annotations', value: manifest.metadata.annotations ?? {} },
    // An owner from an earlier attempt (a Workflow deleted on preemption) would have the garbage
    // collector delete the template under the new Workflow; submitJob sets the new owner.
    { op: 'add', path: '/metadata/ownerReferences', value: manifest.metadata.ownerReferences ?? [] },
  ];
  const template = (await call(() =>
    cluster().custom.patchNamespacedCustomObject(
      { ...base(namespace), name, body: ops },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ),
  )) as WorkflowTemplate;
  return { template, adopted: true };
}

/**
 * Makes a Workflow the template's owner, so Kubernetes' garbage collector deletes the template with
 * the Workflow (a template cannot name its owner at creation: it must exist before the Workflow).
 */
export async function setWorkflowTemplateOwner(
  name: string,
  owner: { name: string; uid: string },
  opts?: Target,
): Promise<void> {
  const ops = [
    {
      op: 'add',
      path: '/metadata/ownerReferences',
      value: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: owner.name, uid: owner.uid }],
    },
  ];
  await call(() =>
    cluster().custom.patchNamespacedCustomObject(
      { ...base(opts?.namespace ?? cluster().namespace), name, body: ops },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ),
  );
}

/** Throws ClusterError NotFound when absent. */
export async function getWorkflowTemplate(name: string, opts?: Target): Promise<WorkflowTemplate> {
  return (await call(() =>
    cluster().custom.getNamespacedCustomObject({ ...base(opts?.namespace ?? cluster().namespace), name }),
  )) as WorkflowTemplate;
}

export async function listWorkflowTemplates(labelSelector?: string, opts?: Target): Promise<WorkflowTemplate[]> {
  const list = (await call(() =>
    cluster().custom.listNamespacedCustomObject({ ...base(opts?.namespace ?? cluster().namespace), labelSelector }),
  )) as { items: WorkflowTemplate[] };
  return list.items;
}

/** Deleting an absent template is not an error (returns false): cleanup is idempotent. */
export async function deleteWorkflowTemplate(name: string, opts?: Target): Promise<boolean> {
  try {
    await call(() =>
      cluster().custom.deleteNamespacedCustomObject({ ...base(opts?.namespace ?? cluster().namespace), name }),
    );
    return true;
  } catch (e) {
    if (e instanceof ClusterError && e.kind === 'NotFound') return false;
    throw e;
  }
}

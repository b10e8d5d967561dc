// Argo Workflows (argoproj.io/v1alpha1, plural `workflows`) through the CustomObjects API.
// Kubernetes rules relied on here: create is rejected with 409 AlreadyExists when the name is
// taken (so creating `gantry-<jobId>` twice adopts the first); list returns a resourceVersion that
// a watch resumes from; a watch from a compacted resourceVersion ends with a 410 Gone ERROR event,
// after which the caller must relist.
import { PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { call, ClusterError, toClusterError } from './errors';
import { cluster } from './kube';
import type { NodeStatus } from '@/lib/domain/workflow/types';

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const PLURAL = 'workflows';

/** One entry of status.nodes: Argo's NodeStatus, typed once in the domain. */
type WorkflowNodeStatus = NodeStatus;

type WorkflowStatus = {
  phase?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  progress?: string;
  message?: string;
  nodes?: Record<string, WorkflowNodeStatus>;
  resourcesDuration?: Record<string, number>;
  conditions?: Array<{ type: string; status: string; message?: string }>;
};

export type Workflow = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }>;
  };
  spec: Record<string, unknown>;
  status?: WorkflowStatus;
};

type Target = { namespace?: string };
const ns = (o?: Target) => o?.namespace ?? cluster().namespace;
const base = (o?: Target) => ({ group: GROUP, version: VERSION, namespace: ns(o), plural: PLURAL });

/**
 * Creates a workflow. When the name is taken (409 AlreadyExists) the existing one is returned with
 * adopted=true, so a retried submission never duplicates work.
 */
export async function createWorkflow(
  manifest: Workflow,
  opts?: Target,
): Promise<{ workflow: Workflow; adopted: boolean }> {
  const namespace = opts?.namespace ?? manifest.metadata.namespace ?? cluster().namespace;
  try {
    const workflow = (await cluster().custom.createNamespacedCustomObject({
      ...base({ namespace }),
      body: manifest,
    })) as Workflow;
    return { workflow, adopted: false };
  } catch (e) {
    const err = toClusterError(e);
    if (err.kind === 'Conflict' && err.reason === 'AlreadyExists' && manifest.metadata.name) {
      return { workflow: await getWorkflow(manifest.metadata.name, { namespace }), adopted: true };
    }
    throw err;
  }
}

/** Throws ClusterError NotFound when absent. */
export async function getWorkflow(name: string, opts?: Target): Promise<Workflow> {
  return (await call(() => cluster().custom.getNamespacedCustomObject({ ...base(opts), name }))) as Workflow;
}

/** null when absent. */
export async function findWorkflow(name: string, opts?: Target): Promise<Workflow | null> {
  try {
    return await getWorkflow(name, opts);
  } catch (e) {
    if (e instanceof ClusterError && e.kind === 'NotFound') return null;
    throw e;
  }
}

/**
 * Workflows of one namespace, or with `allNamespaces` of every namespace (each team's, and the
 * shared GANTRY_NAMESPACE older jobs ran in): one cluster-wide list, as `kubectl get wf -A` does.
 */
export async function listWorkflows(
  labelSelector?: string,
  opts?: Target & { allNamespaces?: boolean },
): Promise<{ items: Workflow[]; resourceVersion: string }> {
  const c = cluster();
  const list = (await call(() =>
    opts?.allNamespaces
      ? c.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, labelSelector })
      : c.custom.listNamespacedCustomObject({ ...base(opts), labelSelector }),
  )) as {
    items: Workflow[];
    metadata: { resourceVersion: string };
  };
  return { items: list.items, resourceVersion: list.metadata.resourceVersion };
}

/**
 * Writes the whole object (PUT). metadata.resourceVersion must be the one read: a workflow changed
 * since then is rejected with Conflict, so a read-modify-write never loses the controller's update.
 */
export async function replaceWorkflow(wf: Workflow, opts?: Target): Promise<Workflow> {
  const name = wf.metadata.name ?? '';
  return (await call(() =>
    cluster().custom.replaceNamespacedCustomObject({
      ...base({ namespace: opts?.namespace ?? wf.metadata.namespace }),
      name,
      body: wf,
    }),
  )) as Workflow;
}

/** RFC 7386 merge patch (null deletes a field). */
export async function patchWorkflow(
  name: string,
  mergePatch: Record<string, unknown>,
  opts?: Target,
): Promise<Workflow> {
  return (await call(() =>
    cluster().custom.patchNamespacedCustomObject(
      { ...base(opts), name, body: mergePatch },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ),
  )) as Workflow;
}

export type JsonPatchOp = {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
};

/** RFC 6902 JSON patch; a failing `test` op is rejected (Invalid) and nothing changes. */
export async function jsonPatchWorkflow(name: string, ops: JsonPatchOp[], opts?: Target): Promise<Workflow> {
  return (await call(() =>
    cluster().custom.patchNamespacedCustomObject(
      { ...base(opts), name, body: ops },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ),
  )) as Workflow;
}

/**
 * Deleting an absent workflow is not an error (returns false): cleanup is idempotent. `Foreground`
 * keeps the object (deletionTimestamp set) until the garbage collector has deleted its pods.
 */
export async function deleteWorkflow(
  name: string,
  opts?: Target & { propagationPolicy?: 'Foreground' | 'Background' },
): Promise<boolean> {
  try {
    await call(() =>
      cluster().custom.deleteNamespacedCustomObject({
        ...base(opts),
        name,
        propagationPolicy: opts?.propagationPolicy,
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ClusterError && e.kind === 'NotFound') return false;
    throw e;
  }
}

/** Argo's way to stop a workflow now: spec.shutdown=Terminate (no exit handlers); it ends Failed. */
export async function terminateWorkflow(name: string, opts?: Target): Promise<Workflow> {
  return patchWorkflow(name, { spec: { shutdown: 'Terminate' } }, opts);
}

export type WorkflowEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: Workflow;
  resourceVersion: string;
};

export type WatchHandle = {
  abort(): void;
  /** The newest resourceVersion seen (events and bookmarks): resume a new watch from here. */
  readonly resourceVersion: string | undefined;
};

/**
 * Watches workflows from a resourceVersion (usually the one listWorkflows returned). onError gets a
 * ClusterError: kind Gone means the version is too old and the caller must relist; others mean the
 * connection failed. onEnd is called when the server closed the watch normally (resume from
 * handle.resourceVersion). Neither is called after abort().
 */
export async function watchWorkflows(opts: {
  labelSelector?: string;
  /** e.g. `metadata.name=gantry-42` to follow one workflow */
  fieldSelector?: string;
  resourceVersion?: string;
  namespace?: string;
  /** Watch every namespace (GET /apis/argoproj.io/v1alpha1/workflows?watch=true); `namespace` is then ignored. */
  allNamespaces?: boolean;
  /** Server-side limit on the watch; it then ends normally (onEnd) and the caller resumes. */
  timeoutSeconds?: number;
  onEvent: (e: WorkflowEvent) => void;
  onError: (err: ClusterError) => void;
  onEnd?: () => void;
}): Promise<WatchHandle> {
  const c = cluster();
  let rv = opts.resourceVersion;
  let finished = false;
  let aborted = false;
  const finish = (err: ClusterError | null) => {
    if (finished || aborted) return;
    finished = true;
    if (err) opts.onError(err);
    else opts.onEnd?.();
  };
  const path = opts.allNamespaces
    ? `/apis/${GROUP}/${VERSION}/${PLURAL}`
    : `/apis/${GROUP}/${VERSION}/namespaces/${opts.namespace ?? c.namespace}/${PLURAL}`;
  const params: Record<string, string | boolean | undefined> = {
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    resourceVersion: opts.resourceVersion,
    allowWatchBookmarks: true,
  };
  if (opts.timeoutSeconds) params.timeoutSeconds = String(opts.timeoutSeconds);
  let controller: AbortController;
  try {
    controller = await new Watch(c.kc).watch(
      path,
      params,
      (type: string, object: unknown) => {
        if (finished || aborted) return;
        if (type === 'ERROR') {
          const status = object as { code?: number; message?: string; reason?: string };
          const code = status.code ?? 500;
          finish(
            new ClusterError(
              code === 410 ? 'Gone' : toClusterError({ code }).kind,
              status.message ?? 'watch error',
              code,
              status.reason,
            ),
          );
          return;
        }
        const wf = object as Workflow;
        rv = wf.metadata?.resourceVersion ?? rv;
        opts.onEvent({ type: type as WorkflowEvent['type'], object: wf, resourceVersion: rv ?? '' });
      },
      (err: unknown) => finish(err ? toClusterError(err) : null),
    );
  } catch (e) {
    throw toClusterError(e);
  }
  return {
    abort() {
      aborted = true;
      controller.abort();
    },
    get resourceVersion() {
      return rv;
    },
  };
}

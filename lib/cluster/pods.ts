// Pods of workflow steps (labelled `workflows.argoproj.io/workflow=<name>` by Argo) and their logs.
// Argo step pods run the user's code in the container named `main` (plus `wait`, the executor).
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { Log, type V1Pod } from '@kubernetes/client-node';
import { call, ClusterError, toClusterError } from './errors';
import { cluster } from './kube';

/** Pods across all namespaces, or in one, filtered by label/field selectors. */
export async function listPods(
  labelSelector?: string,
  opts: { namespace?: string; fieldSelector?: string } = {},
): Promise<V1Pod[]> {
  const c = cluster();
  const q = { labelSelector, fieldSelector: opts.fieldSelector };
  const list = await call(() =>
    opts.namespace ? c.core.listNamespacedPod({ namespace: opts.namespace, ...q }) : c.core.listPodForAllNamespaces(q),
  );
  return list.items;
}

/** Names of the pods Argo runs for one workflow (its `workflows.argoproj.io/workflow` label). */
export async function workflowPodNames(workflowName: string, namespace?: string): Promise<Set<string>> {
  const pods = await listPods(`workflows.argoproj.io/workflow=${workflowName}`, {
    namespace: namespace ?? cluster().namespace,
  });
  return new Set(pods.map((p) => p.metadata?.name ?? ''));
}

/** Deletes a pod; an absent one is not an error (returns false), so cleanup can be repeated. */
export async function deletePod(name: string, opts: { namespace?: string } = {}): Promise<boolean> {
  const c = cluster();
  try {
    await call(() => c.core.deleteNamespacedPod({ name, namespace: opts.namespace ?? c.namespace }));
    return true;
  } catch (e) {
    if (e instanceof ClusterError && e.kind === 'NotFound') return false;
    throw e;
  }
}

export type PodLogRequest = { namespace?: string; name: string; container?: string; tailLines?: number };

/** The log as it is now (tailLines: only the last N lines). */
export async function readPodLog(req: PodLogRequest): Promise<string> {
  const c = cluster();
  return call(() =>
    c.core.readNamespacedPodLog({
      namespace: req.namespace ?? c.namespace,
      name: req.name,
      container: req.container ?? 'main',
      tailLines: req.tailLines,
    }),
  );
}

/**
 * Streams a log (follow=true) line by line until the container ends or abort() is called.
 * onEnd gets null when the stream ended normally, or the ClusterError that stopped it.
 */
export async function followPodLog(
  req: PodLogRequest & { onLine: (line: string) => void; onEnd?: (err: ClusterError | null) => void },
): Promise<{ abort(): void }> {
  const c = cluster();
  const sink = new PassThrough();
  let ended = false;
  let aborted = false;
  const end = (err: ClusterError | null) => {
    if (ended) return;
    ended = true;
    req.onEnd?.(aborted ? null : err);
  };
  const lines = createInterface({ input: sink });
  lines.on('line', (l) => !aborted && req.onLine(l));
  lines.on('close', () => end(null));
  let controller: AbortController;
  try {
    controller = await new Log(c.kc).log(req.namespace ?? c.namespace, req.name, req.container ?? 'main', sink, {
      follow: true,
      tailLines: req.tailLines,
    });
  } catch (e) {
    sink.end();
    ended = true;
    throw toClusterError(e);
  }
  sink.on('error', (e) => end(aborted ? null : toClusterError(e)));
  return {
    abort() {
      aborted = true;
      controller.abort();
      sink.end();
    },
  };
}

/**
 * A step's main-container log, or null when the pod is gone (garbage-collected) or its container
 * has not started yet (the API answers 400 while it waits): the caller falls back to a stored copy.
 */
export async function findStepLog(
  name: string,
  opts: { namespace?: string; tailLines?: number } = {},
): Promise<string | null> {
  try {
    return await readPodLog({ name, namespace: opts.namespace, tailLines: opts.tailLines });
  } catch (e) {
    if (e instanceof ClusterError && (e.kind === 'NotFound' || e.kind === 'Invalid')) return null;
    throw e;
  }
}

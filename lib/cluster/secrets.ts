// Secrets Gantry creates for the work it submits (a sweep's results token), in the workflows'
// namespace. Writes are idempotent: applying the same name again replaces the data.
import { call, isNotFound, toClusterError } from './errors';
import { cluster } from './kube';

export interface SecretInput {
  name: string;
  labels?: Record<string, string>;
  /** plain values; the API server stores them base64-encoded under `data` */
  stringData: Record<string, string>;
  namespace?: string;
}

/** Creates the Secret, or replaces its data when it already exists (409 AlreadyExists). */
export async function applySecret(input: SecretInput): Promise<void> {
  const c = cluster();
  const namespace = input.namespace ?? c.namespace;
  const body = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: input.name, namespace, labels: input.labels },
    stringData: input.stringData,
  };
  try {
    await c.core.createNamespacedSecret({ namespace, body });
  } catch (e) {
    const err = toClusterError(e);
    if (err.reason !== 'AlreadyExists') throw err;
    await call(() => c.core.replaceNamespacedSecret({ name: input.name, namespace, body }));
  }
}

/** Deletes a Secret; false when it was already gone. */
export async function deleteSecret(name: string, opts: { namespace?: string } = {}): Promise<boolean> {
  const c = cluster();
  try {
    await call(() => c.core.deleteNamespacedSecret({ name, namespace: opts.namespace ?? c.namespace }));
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

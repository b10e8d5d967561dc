// What kube-apiserver's admission plugins and two kube-controller-manager loops do for namespaces,
// as far as Gantry relies on them:
// - NamespaceLifecycle: an object in a namespace that does not exist is refused (404 NotFound
//   `namespaces "x" not found`; the create handler checks that for every namespaced kind);
// - the serviceaccount controller: every namespace gets its `default` ServiceAccount;
// - ServiceAccount admission: a pod naming a ServiceAccount that does not exist is refused (403);
// - ResourceQuota admission and the resourcequota controller: a pod whose requests would take a
//   namespace's usage over a quota's `spec.hard` is refused with 403 Forbidden and the plugin's own
//   text (`exceeded quota: <name>, requested: ..., used: ..., limited: ...`), and `status.used`
//   follows the pods that count (those not Succeeded or Failed).
import { ApiError } from './apiserver/errors';
import { parseQuantity } from './placement';
import type { KObject, Store } from './store';

const SERVICE_ACCOUNTS = 'serviceaccounts';
const RESOURCE_QUOTAS = 'resourcequotas';
const PODS = 'pods';
const NAMESPACES = 'namespaces';

type Container = {
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
};
type PodSpec = { serviceAccountName?: string; containers?: Container[]; initContainers?: Container[] };
type QuotaSpec = { hard?: Record<string, string | number> };

/** A pod's requests per resource, as the API server defaults them (requests default to limits). */
function podRequests(pod: KObject): Map<string, number> {
  const spec = (pod.spec ?? {}) as PodSpec;
  const sum = new Map<string, number>();
  for (const c of spec.containers ?? []) {
    const merged = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    for (const [k, v] of Object.entries(merged)) sum.set(k, (sum.get(k) ?? 0) + parseQuantity(v));
  }
  // an init container runs alone: the pod needs the larger of it and the sum of the app containers
  for (const c of spec.initContainers ?? []) {
    const merged = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    for (const [k, v] of Object.entries(merged)) sum.set(k, Math.max(sum.get(k) ?? 0, parseQuantity(v)));
  }
  return sum;
}

/** The usage a quota key measures for one pod: `requests.<resource>` or `<resource>` (cpu, memory), and `pods`. */
function usageOf(key: string, requests: Map<string, number>): number {
  if (key === 'pods' || key === 'count/pods') return 1;
  const resource = key.startsWith('requests.') ? key.slice('requests.'.length) : key;
  return requests.get(resource) ?? 0;
}

/** Quantities as resource.Quantity.String() prints the ones Gantry meets: whole numbers, else milli-units. */
function formatQuantity(v: number): string {
  return Number.isInteger(v) ? String(v) : `${Math.round(v * 1000)}m`;
}

/** apiserver's quota prettyPrint: `k=v` sorted by key, joined by commas. */
function prettyPrint(values: Map<string, number>): string {
  return [...values.keys()]
    .sort()
    .map((k) => `${k}=${formatQuantity(values.get(k)!)}`)
    .join(',');
}

const terminal = (pod: KObject) =>
  ['Succeeded', 'Failed'].includes(String((pod.status as { phase?: string } | undefined)?.phase ?? ''));

export class Admission {
  /** Pods that count against quotas now (not finished), by `<namespace>/<name>`. */
  private readonly counted = new Set<string>();

  constructor(private readonly store: Store) {
    store.onChange((type, resource, obj) => {
      if (resource === NAMESPACES && type === 'ADDED') this.createDefaultServiceAccount(obj.metadata.name);
      if (resource === RESOURCE_QUOTAS && type !== 'DELETED') this.refreshQuotas(obj.metadata.namespace);
      if (resource === PODS && this.countChanged(type, obj)) this.refreshQuotas(obj.metadata.namespace);
    });
  }

  /** After a restart (objects loaded without events): which pods count now. */
  resync(): void {
    for (const pod of this.store.list(PODS, { labels: [], fields: [] }).items)
      if (!terminal(pod)) this.counted.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
  }

  /** A pod's requests never change (they are immutable), so usage changes only when a pod starts or stops counting. */
  private countChanged(type: string, pod: KObject): boolean {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const was = this.counted.has(key);
    const now = type !== 'DELETED' && !terminal(pod);
    if (now) this.counted.add(key);
    else this.counted.delete(key);
    return was !== now;
  }

  private createDefaultServiceAccount(ns: string): void {
    if (this.store.get(SERVICE_ACCOUNTS, ns, 'default')) return;
    this.store.create(SERVICE_ACCOUNTS, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
    });
  }

  /** Usage of each quota key by the pods of a namespace that count (not finished). */
  private used(ns: string, keys: string[], except?: KObject): Map<string, number> {
    const used = new Map(keys.map((k) => [k, 0]));
    for (const pod of this.store.list(PODS, { namespace: ns, labels: [], fields: [] }).items) {
      if (terminal(pod) || pod === except) continue;
      const requests = podRequests(pod);
      for (const k of keys) used.set(k, used.get(k)! + usageOf(k, requests));
    }
    return used;
  }

  /** The resourcequota controller's part: status.hard mirrors spec.hard, status.used the pods. */
  refreshQuotas(ns: string | undefined): void {
    if (!ns) return;
    for (const quota of this.store.list(RESOURCE_QUOTAS, { namespace: ns, labels: [], fields: [] }).items) {
      const hard = (quota.spec as QuotaSpec | undefined)?.hard ?? {};
      const used = this.used(ns, Object.keys(hard));
      const status = { hard: { ...hard }, used: Object.fromEntries([...used].map(([k, v]) => [k, formatQuantity(v)])) };
      if (JSON.stringify(status) === JSON.stringify(quota.status ?? {})) continue;
      const next = JSON.parse(JSON.stringify(quota)) as KObject;
      next.status = status;
      this.store.update(RESOURCE_QUOTAS, next);
    }
  }

  /**
   * The admission chain for a new pod: its namespace exists, its ServiceAccount exists, and no
   * ResourceQuota of the namespace would go over `hard`. Returns the API server's refusal, or
   * undefined when the pod may be stored.
   */
  admitPod(pod: KObject): ApiError | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name;
    if (!this.store.get(NAMESPACES, undefined, ns)) {
      return new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
    }
    const forbidden = (message: string) =>
      new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: ${message}`, { name, kind: 'pods' });
    const sa = ((pod.spec ?? {}) as PodSpec).serviceAccountName || 'default';
    if (!this.store.get(SERVICE_ACCOUNTS, ns, sa)) {
      return forbidden(`error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`);
    }
    if (terminal(pod)) return undefined;
    const requests = podRequests(pod);
    for (const quota of this.store.list(RESOURCE_QUOTAS, { namespace: ns, labels: [], fields: [] }).items) {
      const hard = (quota.spec as QuotaSpec | undefined)?.hard ?? {};
      const keys = Object.keys(hard).filter((k) => usageOf(k, requests) > 0);
      if (keys.length === 0) continue;
      const used = this.used(ns, keys);
      const requested = new Map<string, number>();
      const failedUsed = new Map<string, number>();
      const limited = new Map<string, number>();
      for (const k of keys) {
        const want = usageOf(k, requests);
        const limit = parseQuantity(hard[k]);
        if (used.get(k)! + want <= limit) continue;
        requested.set(k, want);
        failedUsed.set(k, used.get(k)!);
        limited.set(k, limit);
      }
      if (requested.size > 0) {
        return forbidden(
          `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(requested)}, used: ${prettyPrint(failedUsed)}, limited: ${prettyPrint(limited)}`,
        );
      }
    }
    return undefined;
  }

  /** A quota refusal is what Argo retries (IsTransientErr: Forbidden containing "exceeded quota"). */
  static isTransient(err: ApiError): boolean {
    return err.code === 403 && err.message.includes('exceeded quota');
  }
}

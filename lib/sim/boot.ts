// What the simulated cluster holds before any client writes: the system namespaces, the Node objects
// of the configured pools and the dcgm-exporter DaemonSet pods. On a restart the saved objects are
// already in the store; these are then brought in line with the configuration.
import YAML from 'yaml';
import type { KObject, Store } from './store';
import { timestamp } from './time';

const NAMESPACES = ['default', 'kube-system', 'argo', 'gantry-jobs', 'gpu-operator'];
export const DCGM_NS = 'gpu-operator';
export const DCGM_PORT = 9400;
const NODES = 'nodes';
const PODS = 'pods';

type Taint = { key: string; value?: string; effect: string };

/** Creates an object, or replaces the saved one (its uid and creation time stay) when it differs. */
function upsert(store: Store, resource: string, obj: KObject): void {
  const cur = store.get(resource, obj.metadata.namespace, obj.metadata.name);
  if (!cur) {
    store.create(resource, obj);
    return;
  }
  const next = {
    ...obj,
    metadata: {
      ...obj.metadata,
      uid: cur.metadata.uid,
      creationTimestamp: cur.metadata.creationTimestamp,
      resourceVersion: cur.metadata.resourceVersion,
      generation: cur.metadata.generation,
    },
  };
  if (JSON.stringify(next) !== JSON.stringify(cur)) store.update(resource, next);
}

/** The system namespaces (as the API server recreates default and kube-system). */
export function ensureNamespaces(store: Store): void {
  for (const ns of NAMESPACES) {
    if (store.get('namespaces', undefined, ns)) continue;
    store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
}

/**
 * Node objects from the configuration, which wins for what the pools define (capacity,
 * allocatable, addresses, the pool's labels and taints); what was set through the API stays: a
 * cordon (spec.unschedulable), labels, annotations and taints of other keys. Saved nodes no longer
 * configured are deleted (their pods are failed by the controller, as PodGC does after a node loss).
 * Returns the names of the deleted nodes.
 */
export function reconcileNodes(store: Store, configured: Iterable<KObject>): string[] {
  const names = new Set<string>();
  for (const node of configured) {
    names.add(node.metadata.name);
    const cur = store.get(NODES, undefined, node.metadata.name);
    const spec = (node.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
    const saved = (cur?.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
    const taints = [
      ...(spec.taints ?? []),
      ...(saved.taints ?? []).filter((t) => !(spec.taints ?? []).some((c) => c.key === t.key && c.effect === t.effect)),
    ];
    upsert(store, NODES, {
      ...node,
      metadata: {
        ...node.metadata,
        labels: { ...(cur?.metadata.labels ?? {}), ...node.metadata.labels },
        annotations: { ...(cur?.metadata.annotations ?? {}), ...node.metadata.annotations },
      },
      spec: { ...spec, ...(taints.length ? { taints } : {}), ...(saved.unschedulable ? { unschedulable: true } : {}) },
    });
  }
  const gone = store
    .list(NODES, { labels: [], fields: [] })
    .items.map((n) => n.metadata.name)
    .filter((n) => !names.has(n));
  for (const name of gone) store.delete(NODES, undefined, name);
  return gone;
}

/** The dcgm-exporter pod of each GPU node; its metrics URL names this start's address. */
export function ensureDcgmPods(store: Store, nodes: KObject[], url: string, bootMs: number): void {
  const wanted = new Set<string>();
  for (const node of nodes) {
    const name = `nvidia-dcgm-exporter-${node.metadata.name}`;
    wanted.add(name);
    upsert(store, PODS, dcgmPod(node, url, bootMs));
  }
  for (const pod of store.list(PODS, { namespace: DCGM_NS, labels: [], fields: [] }).items) {
    if (pod.metadata.labels?.app === 'nvidia-dcgm-exporter' && !wanted.has(pod.metadata.name))
      store.delete(PODS, DCGM_NS, pod.metadata.name);
  }
}

function dcgmPod(node: KObject, url: string, bootMs: number): KObject {
  const name = node.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `nvidia-dcgm-exporter-${name}`,
      namespace: DCGM_NS,
      labels: {
        app: 'nvidia-dcgm-exporter',
        'app.kubernetes.io/name': 'dcgm-exporter',
        'app.kubernetes.io/managed-by': 'gpu-operator',
      },
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(DCGM_PORT),
        'prometheus.io/path': '/metrics',
        'gantry.dev/sim-metrics-url': `${url}/sim/dcgm/nodes/${name}/metrics`,
      },
    },
    spec: {
      nodeName: name,
      containers: [
        {
          name: 'nvidia-dcgm-exporter',
          image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless',
          ports: [{ containerPort: DCGM_PORT, name: 'metrics', protocol: 'TCP' }],
        },
      ],
      tolerations: [{ operator: 'Exists' }],
    },
    status: {
      phase: 'Running',
      hostIP: String(((node.status as { addresses?: Array<{ address: string }> })?.addresses ?? [])[0]?.address ?? ''),
      startTime: timestamp(bootMs),
      containerStatuses: [
        {
          name: 'nvidia-dcgm-exporter',
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: timestamp(bootMs) } },
        },
      ],
    },
  };
}

/** `<dataDir>/kubeconfig`: plain http, insecure-skip-tls-verify and a token user (what client-node 2.x accepts). */
export function kubeconfigText(url: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'gantry-sim', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'gantry-sim', user: { token: 'gantry-sim-token' } }],
    contexts: [
      { name: 'gantry-sim', context: { cluster: 'gantry-sim', user: 'gantry-sim', namespace: 'gantry-jobs' } },
    ],
    'current-context': 'gantry-sim',
  });
}

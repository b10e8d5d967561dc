// The server-side Table (meta.k8s.io/v1) kubectl asks for with `Accept: ...;as=Table`: the columns
// of the built-in printers for nodes, pods, quotas and namespaces, the Workflow CRD's
// additionalPrinterColumns, and Name/Age for everything else.
import type { KObject } from '../store';
import type { ResourceDef } from './resources';

type Col = { name: string; type: string; format?: string; description: string; priority: number };
type Printer = { cols: Col[]; cells: (o: KObject, now: number) => unknown[] };

/** kubectl-style age: 45s, 3m20s, 12m, 5h7m, 2d3h, 41d (apimachinery `duration.HumanDuration`). */
function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const col = (name: string, description: string, priority = 0, type = 'string'): Col => ({
  name,
  type,
  description,
  priority,
});
const NAME: Col = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
};
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

const age = (now: number, ts: string | undefined) => (ts ? humanDuration(now - Date.parse(ts)) : '<unknown>');
const created = (o: KObject, now: number) => age(now, o.metadata.creationTimestamp);
const status = (o: KObject) => (o.status ?? {}) as Record<string, unknown>;
const nodeName = (o: KObject) => (o.spec as { nodeName?: string } | undefined)?.nodeName;

const NODES: Printer = {
  cols: [
    NAME,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE,
    col('Version', 'Kubelet Version reported by the node.'),
  ],
  cells: (o, now) => {
    const roles = Object.keys(o.metadata.labels ?? {})
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.split('/')[1]);
    return [
      o.metadata.name,
      'Ready',
      roles.join(',') || '<none>',
      created(o, now),
      (status(o).nodeInfo as { kubeletVersion?: string })?.kubeletVersion ?? '',
    ];
  },
};

/** A pod's STATUS column as kubectl prints it: Completed, the failed container's reason, ContainerCreating. */
function podStatus(o: KObject): string {
  const cs = (status(o).containerStatuses as Array<{ state?: { terminated?: { reason?: string } } }> | undefined) ?? [];
  const phase = String(status(o).phase ?? 'Pending');
  if (phase === 'Succeeded') return 'Completed';
  if (phase === 'Failed')
    return (
      cs.find((c) => c.state?.terminated && c.state.terminated.reason !== 'Completed')?.state?.terminated?.reason ??
      'Error'
    );
  return phase === 'Pending' && nodeName(o) ? 'ContainerCreating' : phase;
}

const PODS: Printer = {
  cols: [
    NAME,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted.'),
    AGE,
    col('Node', 'Name of the Node this pod is assigned to', 1),
  ],
  cells: (o, now) => {
    const cs = (status(o).containerStatuses as Array<{ ready: boolean }> | undefined) ?? [];
    const total = ((o.spec as { containers?: unknown[] })?.containers ?? []).length;
    return [
      o.metadata.name,
      `${cs.filter((c) => c.ready).length}/${total}`,
      podStatus(o),
      0,
      created(o, now),
      nodeName(o) ?? '<none>',
    ];
  },
};

// kubectl get quota: REQUEST and LIMIT as `resource: used/hard`, as the built-in printer shows them
const RESOURCE_QUOTAS: Printer = {
  cols: [
    NAME,
    AGE,
    col('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col(
      'Limit',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  cells: (o, now) => {
    const hard = (status(o).hard ?? (o.spec as { hard?: object } | undefined)?.hard ?? {}) as Record<string, string>;
    const used = (status(o).used ?? {}) as Record<string, string>;
    const show = (keys: string[]) =>
      keys
        .sort()
        .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`)
        .join(', ');
    return [
      o.metadata.name,
      created(o, now),
      show(Object.keys(hard).filter((k) => !k.startsWith('limits.'))),
      show(Object.keys(hard).filter((k) => k.startsWith('limits.'))),
    ];
  },
};

const NAMESPACES: Printer = {
  cols: [NAME, col('Status', 'The status of the namespace'), AGE],
  cells: (o, now) => [o.metadata.name, 'Active', created(o, now)],
};

// the Workflow CRD's additionalPrinterColumns (Status, Age from .status.startedAt, Message)
const WORKFLOWS: Printer = {
  cols: [
    NAME,
    col('Status', 'Status of the workflow'),
    col('Age', 'When the workflow was started', 0, 'date'),
    col('Message', 'Human readable message indicating details about why the workflow is in this condition.', 1),
  ],
  cells: (o, now) => [
    o.metadata.name,
    String(status(o).phase ?? ''),
    status(o).startedAt ? age(now, String(status(o).startedAt)) : '<unknown>',
    String(status(o).message ?? ''),
  ],
};

const PRINTERS: Record<string, Printer> = {
  nodes: NODES,
  pods: PODS,
  resourcequotas: RESOURCE_QUOTAS,
  namespaces: NAMESPACES,
  workflows: WORKFLOWS,
};
const DEFAULT: Printer = { cols: [NAME, AGE], cells: (o, now) => [o.metadata.name, created(o, now)] };

export function toTable(
  r: ResourceDef,
  items: KObject[],
  resourceVersion: string,
  now: number,
  includeObject: string,
): object {
  const { cols, cells } = PRINTERS[r.resource] ?? DEFAULT;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols,
    rows: items.map((o) => ({
      cells: cells(o, now),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? undefined
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

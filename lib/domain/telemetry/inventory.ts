// GPU inventory from Kubernetes Node and Pod objects: pools, nodes, GPUs per node, MIG instances,
// time-slicing replicas, taints, allocatable vs allocated, and which job holds which GPU resource.
// Input is the JSON the API server returns (`kubectl get nodes -o json` items); only the fields
// read here are validated, everything else passes through untouched.
import { z } from 'zod';
import { LABEL_JOB_ID, LABEL_POOL } from '../terms';
import { deriveGpuKind, type GpuKindSpec, type GpuSharing } from './gpu-kinds';
import { parseQuantity } from './quantity';

/** Labels that name a node pool, first match wins; `workload-type` is the platform's own. */
const DEFAULT_POOL_LABELS = [
  'workload-type',
  LABEL_POOL,
  'karpenter.sh/nodepool',
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'kubernetes.azure.com/agentpool',
  'agentpool',
] as const;

const Quantities = z.record(z.string(), z.union([z.string(), z.number()]));

export const NodeObject = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    labels: z.record(z.string(), z.string()).default({}),
  }),
  spec: z
    .looseObject({
      taints: z.array(z.object({ key: z.string(), value: z.string().optional(), effect: z.string() })).default([]),
      unschedulable: z.boolean().optional(),
    })
    .default({ taints: [] }),
  status: z
    .looseObject({
      capacity: Quantities.default({}),
      allocatable: Quantities.default({}),
    })
    .default({ capacity: {}, allocatable: {} }),
});
export type NodeObject = z.input<typeof NodeObject>;

const Container = z.looseObject({
  name: z.string().default(''),
  resources: z.looseObject({ requests: Quantities.optional(), limits: Quantities.optional() }).default({}),
});

export const PodObject = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().default('default'),
    labels: z.record(z.string(), z.string()).default({}),
  }),
  spec: z.looseObject({
    nodeName: z.string().optional(),
    containers: z.array(Container).default([]),
    initContainers: z.array(Container).default([]),
  }),
  status: z.looseObject({ phase: z.string().optional() }).default({}),
});
export type PodObject = z.input<typeof PodObject>;

const Taint = z.object({ key: z.string(), value: z.string().nullable(), effect: z.string() });
type Taint = z.infer<typeof Taint>;

const GpuResource = z.object({
  /** `nvidia.com/gpu`, `nvidia.com/gpu.shared`, `nvidia.com/mig-1g.10gb` */
  resource: z.string(),
  kind: z.custom<GpuKindSpec>(),
  capacity: z.number(),
  allocatable: z.number(),
  allocated: z.number(),
});
type GpuResource = z.infer<typeof GpuResource>;

const GpuHolder = z.object({
  jobId: z.string().nullable(),
  pod: z.string(),
  namespace: z.string(),
  resource: z.string(),
  kindId: z.string(),
  count: z.number(),
});
type GpuHolder = z.infer<typeof GpuHolder>;

export const NodeInventory = z.object({
  name: z.string(),
  pool: z.string(),
  gpuProduct: z.string().nullable(),
  /** the whole-GPU kind (MIG/sharing aside) */
  gpuModel: z.string().nullable(),
  /** physical GPUs (`nvidia.com/gpu.count`), not replicas or MIG instances */
  gpuCount: z.number(),
  migStrategy: z.enum(['none', 'single', 'mixed']).nullable(),
  /** MIG instances per profile, e.g. { '1g.10gb': 2, '2g.20gb': 1 } */
  migInstances: z.record(z.string(), z.number()),
  replicas: z.number(),
  sharing: z.custom<GpuSharing>().nullable(),
  taints: z.array(Taint),
  unschedulable: z.boolean(),
  gpuResources: z.array(GpuResource),
  /** sums over gpuResources, in schedulable units (replicas / MIG instances / GPUs) */
  allocatable: z.number(),
  allocated: z.number(),
  cpu: z.object({ allocatable: z.number(), requested: z.number() }),
  memoryBytes: z.object({ allocatable: z.number(), requested: z.number() }),
  holders: z.array(GpuHolder),
});
export type NodeInventory = z.infer<typeof NodeInventory>;

const PoolInventory = z.object({
  name: z.string(),
  nodes: z.array(z.string()),
  gpuKinds: z.array(z.string()),
  gpuCount: z.number(),
  allocatable: z.number(),
  allocated: z.number(),
});
type PoolInventory = z.infer<typeof PoolInventory>;

export const ClusterInventory = z.object({ pools: z.array(PoolInventory), nodes: z.array(NodeInventory) });
export type ClusterInventory = z.infer<typeof ClusterInventory>;

/** The row GET /api/cluster/nodes returns: an explicit shape, not the Node object. */
export const ClusterNodeSummary = z.object({
  name: z.string(),
  pool: z.string(),
  gpuProduct: z.string().nullable(),
  gpuKinds: z.array(z.string()),
  gpuCount: z.number(),
  migInstances: z.record(z.string(), z.number()),
  replicas: z.number(),
  allocatable: z.number(),
  allocated: z.number(),
  taints: z.array(z.string()),
});
export type ClusterNodeSummary = z.infer<typeof ClusterNodeSummary>;

const MIG_LABEL = /^nvidia\.com\/mig-(\d+g\.\d+gb)\.count$/;
const GPU_RESOURCE = /^nvidia\.com\/(gpu(\.shared)?|mig-\d+g\.\d+gb(\.shared)?)$/;
const FINISHED = new Set(['Succeeded', 'Failed']);

function intLabel(labels: Record<string, string>, key: string): number | null {
  const v = labels[key];
  if (v === undefined || v === '' || !/^\d+$/.test(v)) return null;
  return Number(v);
}

/** Effective pod request per resource, as the scheduler computes it: max(sum(containers), max(init)). */
function sumPodRequests(pod: z.infer<typeof PodObject>): Record<string, number> {
  const perContainer = (c: z.infer<typeof Container>) => {
    // Extended resources may set only limits; Kubernetes then defaults requests to limits.
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.resources.limits ?? {})) out[k] = parseQuantity(v);
    for (const [k, v] of Object.entries(c.resources.requests ?? {})) out[k] = parseQuantity(v);
    return out;
  };
  const total: Record<string, number> = {};
  for (const c of pod.spec.containers) {
    for (const [k, v] of Object.entries(perContainer(c))) total[k] = (total[k] ?? 0) + v;
  }
  for (const c of pod.spec.initContainers) {
    for (const [k, v] of Object.entries(perContainer(c))) total[k] = Math.max(total[k] ?? 0, v);
  }
  return total;
}

export type InventoryOptions = { poolLabels?: readonly string[] };

/** One Node (plus the pods bound to it) -> its inventory row. */
export function describeNode(
  input: NodeObject,
  podsOnNode: readonly PodObject[] = [],
  options: InventoryOptions = {},
): NodeInventory {
  const node = NodeObject.parse(input);
  const labels = node.metadata.labels;
  const product = labels['nvidia.com/gpu.product'] ?? null;
  const replicasLabel = intLabel(labels, 'nvidia.com/gpu.replicas');
  const replicas = Math.max(1, replicasLabel ?? 1);
  const sharingStrategy = labels['nvidia.com/gpu.sharing-strategy'];
  const memoryMiB = intLabel(labels, 'nvidia.com/gpu.memory') ?? undefined;
  const rawStrategy = labels['nvidia.com/mig.strategy'];
  const migStrategy =
    rawStrategy === 'none' || rawStrategy === 'single' || rawStrategy === 'mixed' ? rawStrategy : null;

  const migInstances: Record<string, number> = {};
  for (const [key, value] of Object.entries(labels)) {
    const m = MIG_LABEL.exec(key);
    if (m && /^\d+$/.test(value)) migInstances[m[1]] = Number(value);
  }

  const capacity = mapQuantities(node.status.capacity);
  const allocatable = mapQuantities(node.status.allocatable);
  const resourceNames = new Set(
    [...Object.keys(capacity), ...Object.keys(allocatable)].filter((r) => GPU_RESOURCE.test(r)),
  );
  // Label-only inputs (GFD label sets without a status): derive the advertised resources from labels.
  if (resourceNames.size === 0 && product) {
    if (Object.keys(migInstances).length > 0) {
      for (const [profile, count] of Object.entries(migInstances)) {
        const r = `nvidia.com/mig-${profile}`;
        resourceNames.add(r);
        const perInstance = intLabel(labels, `nvidia.com/mig-${profile}.replicas`) ?? 1;
        capacity[r] = allocatable[r] = count * Math.max(1, perInstance);
      }
    } else {
      const count = intLabel(labels, 'nvidia.com/gpu.count') ?? 0;
      capacity['nvidia.com/gpu'] = allocatable['nvidia.com/gpu'] = count * replicas;
      resourceNames.add('nvidia.com/gpu');
    }
  }

  const pods = podsOnNode
    .map((p) => PodObject.parse(p))
    .filter((p) => p.spec.nodeName === node.metadata.name && !FINISHED.has(p.status.phase ?? ''));
  const requested: Record<string, number> = {};
  const holders: GpuHolder[] = [];

  const kindFor = (resource: string): GpuKindSpec => {
    const mig = /^nvidia\.com\/mig-(\d+g\.\d+gb)/.exec(resource);
    const profileReplicas = mig ? intLabel(labels, `nvidia.com/mig-${mig[1]}.replicas`) : null;
    const profileSharing = mig ? labels[`nvidia.com/mig-${mig[1]}.sharing-strategy`] : undefined;
    return deriveGpuKind({
      product: product ?? 'unknown',
      resourceName: resource,
      replicas: mig ? (profileReplicas ?? 1) : replicas,
      sharingStrategy: mig ? profileSharing : sharingStrategy,
      memoryMiB,
    });
  };
  const kinds = new Map([...resourceNames].map((r) => [r, kindFor(r)]));

  for (const pod of pods) {
    const req = sumPodRequests(pod);
    for (const [k, v] of Object.entries(req)) requested[k] = (requested[k] ?? 0) + v;
    for (const r of resourceNames) {
      if (!req[r]) continue;
      holders.push({
        jobId: pod.metadata.labels[LABEL_JOB_ID] ?? null,
        pod: pod.metadata.name,
        namespace: pod.metadata.namespace,
        resource: r,
        kindId: kinds.get(r)!.id,
        count: req[r],
      });
    }
  }

  const gpuResources: GpuResource[] = [...resourceNames].sort().map((r) => ({
    resource: r,
    kind: kinds.get(r)!,
    capacity: capacity[r] ?? 0,
    allocatable: allocatable[r] ?? 0,
    allocated: requested[r] ?? 0,
  }));
  // renameByDefault=true leaves `nvidia.com/gpu: 0` beside `nvidia.com/gpu.shared`; hide the empty one.
  const visible = gpuResources.filter((g) => g.capacity > 0 || g.allocatable > 0 || g.allocated > 0);

  // MIG single strategy publishes no per-profile labels: every `nvidia.com/gpu` is one instance
  // of the profile named in the product label.
  const singleProfile = migStrategy === 'single' ? /-MIG-(\d+g\.\d+gb)/i.exec(product ?? '') : null;
  const singleGpu = visible.find((g) => g.resource === 'nvidia.com/gpu');
  if (singleProfile && singleGpu && Object.keys(migInstances).length === 0) {
    migInstances[singleProfile[1]] = Math.round(singleGpu.capacity / Math.max(1, singleGpu.kind.replicas));
  }

  const countLabel = intLabel(labels, 'nvidia.com/gpu.count');
  const plainGpu = visible.find((g) => g.resource.startsWith('nvidia.com/gpu'));
  const gpuCount = countLabel ?? (plainGpu ? Math.round(plainGpu.capacity / Math.max(1, plainGpu.kind.replicas)) : 0);
  const model = product ? kindFor('nvidia.com/gpu') : null;
  const sharing: GpuSharing | null = visible.length
    ? visible.some((g) => g.kind.sharing === 'time-slicing')
      ? 'time-slicing'
      : visible.some((g) => g.kind.sharing === 'mps')
        ? 'mps'
        : visible.some((g) => g.kind.sharing === 'mig')
          ? 'mig'
          : 'exclusive'
    : null;

  return {
    name: node.metadata.name,
    pool: choosePool(
      labels,
      model?.baseId ?? (visible.length ? 'gpu' : null),
      options.poolLabels ?? DEFAULT_POOL_LABELS,
    ),
    gpuProduct: product,
    gpuModel: model?.baseId ?? null,
    gpuCount,
    migStrategy,
    migInstances,
    replicas,
    sharing,
    taints: node.spec.taints.map((t) => ({ key: t.key, value: t.value ?? null, effect: t.effect })),
    unschedulable: node.spec.unschedulable ?? false,
    gpuResources: visible,
    allocatable: visible.reduce((s, g) => s + g.allocatable, 0),
    allocated: visible.reduce((s, g) => s + g.allocated, 0),
    cpu: { allocatable: allocatable.cpu ?? 0, requested: requested.cpu ?? 0 },
    memoryBytes: { allocatable: allocatable.memory ?? 0, requested: requested.memory ?? 0 },
    holders,
  };
}

function mapQuantities(q: Record<string, string | number>): Record<string, number> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, parseQuantity(v)]));
}

function choosePool(labels: Record<string, string>, gpuModel: string | null, keys: readonly string[]): string {
  for (const key of keys) if (labels[key]) return labels[key];
  return gpuModel ?? 'cpu';
}

/** All nodes and pods -> pools and nodes. Pods are matched to nodes by spec.nodeName. */
export function buildInventory(
  nodes: readonly NodeObject[],
  pods: readonly PodObject[] = [],
  options: InventoryOptions = {},
): ClusterInventory {
  const byNode = new Map<string, PodObject[]>();
  for (const p of pods) {
    const name = p.spec?.nodeName;
    if (!name) continue;
    byNode.set(name, [...(byNode.get(name) ?? []), p]);
  }
  const rows = nodes.map((n) => describeNode(n, byNode.get(n.metadata.name) ?? [], options));
  const pools = new Map<string, PoolInventory>();
  for (const n of rows) {
    const pool = pools.get(n.pool) ?? {
      name: n.pool,
      nodes: [],
      gpuKinds: [],
      gpuCount: 0,
      allocatable: 0,
      allocated: 0,
    };
    pool.nodes.push(n.name);
    for (const g of n.gpuResources) if (!pool.gpuKinds.includes(g.kind.id)) pool.gpuKinds.push(g.kind.id);
    pool.gpuCount += n.gpuCount;
    pool.allocatable += n.allocatable;
    pool.allocated += n.allocated;
    pools.set(n.pool, pool);
  }
  return { pools: [...pools.values()].sort((a, b) => a.name.localeCompare(b.name)), nodes: rows };
}

/** Inventory row -> the API shape of GET /api/cluster/nodes. */
export function summarizeNode(n: NodeInventory): ClusterNodeSummary {
  return {
    name: n.name,
    pool: n.pool,
    gpuProduct: n.gpuProduct,
    gpuKinds: n.gpuResources.map((g) => g.kind.id),
    gpuCount: n.gpuCount,
    migInstances: n.migInstances,
    replicas: n.replicas,
    allocatable: n.allocatable,
    allocated: n.allocated,
    taints: n.taints.map((t) => `${t.key}${t.value !== null ? `=${t.value}` : ''}:${t.effect}`),
  };
}

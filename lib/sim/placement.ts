// Pod placement as kube-scheduler does it for this subset: nodeSelector, required node affinity,
// taints/tolerations and resource fit (cpu, memory, pods, extended resources such as nvidia.com/gpu
// and nvidia.com/mig-*). When no node fits, the message mirrors the scheduler's FailedScheduling text:
// "0/14 nodes are available: 4 Insufficient nvidia.com/gpu, 10 node(s) had untolerated taint {gpu: mig}."
import { parseQuantity as parseDomainQuantity } from '@/lib/domain/telemetry/quantity';
import type { GpuSlot, SimNode, Taint } from './pools';

export type Toleration = { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: string };
type NodeSelectorRequirement = { key: string; operator: string; values?: string[] };
export type PodDemand = {
  key: string;
  requests: Record<string, number>; // cpu in cores, memory in bytes, extended resources in units
  nodeSelector?: Record<string, string>;
  affinityTerms?: Array<{ matchExpressions?: NodeSelectorRequirement[] }>;
  tolerations?: Toleration[];
};
export type PlaceResult = { ok: true; node: string; slots: GpuSlot[] } | { ok: false; message: string };

type Usage = {
  cpu: number;
  memory: number;
  pods: number;
  extended: Map<string, number>;
  holders: Array<string | undefined>;
};

/** A Kubernetes quantity ("500m", "2", "4Gi", "1e3") as a number (cores or bytes): 0 when absent, NaN when malformed. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined || q === null || q === '') return 0;
  try {
    return parseDomainQuantity(q);
  } catch {
    return NaN;
  }
}

function tolerates(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

function matchExpr(labels: Record<string, string>, e: NodeSelectorRequirement): boolean {
  const has = e.key in labels;
  switch (e.operator) {
    case 'In':
      return has && (e.values ?? []).includes(labels[e.key]);
    case 'NotIn':
      return !has || !(e.values ?? []).includes(labels[e.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
      return has && Number(labels[e.key]) > Number(e.values?.[0]);
    case 'Lt':
      return has && Number(labels[e.key]) < Number(e.values?.[0]);
    default:
      return false;
  }
}

export class Placement {
  private readonly usage = new Map<string, Usage>();
  private readonly byPod = new Map<string, { node: string; demand: PodDemand; slotIdx: number[] }>();
  /** Bumped on every release, so callers can tell when retrying pending pods may help. */
  generation = 0;

  constructor(
    readonly nodes: SimNode[],
    private readonly labelsOf: (node: string) => Record<string, string>,
    private readonly taintsOf: (node: string) => Taint[],
    private readonly unschedulable: (node: string) => boolean = () => false,
  ) {
    for (const n of nodes)
      this.usage.set(n.name, {
        cpu: 0,
        memory: 0,
        pods: 0,
        extended: new Map(),
        holders: n.slots.map(() => undefined),
      });
  }

  /** Which pod holds each GPU slot of a node (index-aligned with node.slots). */
  holders(node: string): ReadonlyArray<string | undefined> {
    return this.usage.get(node)?.holders ?? [];
  }
  nodeOf(podKey: string): string | undefined {
    return this.byPod.get(podKey)?.node;
  }
  allocated(node: string, resource: string): number {
    const u = this.usage.get(node);
    if (!u) return 0;
    if (resource === 'cpu') return u.cpu;
    if (resource === 'memory') return u.memory;
    if (resource === 'pods') return u.pods;
    return u.extended.get(resource) ?? 0;
  }

  place(d: PodDemand): PlaceResult {
    const reasons = new Map<string, number>();
    const bump = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    let best: { node: SimNode; score: number } | undefined;
    for (const node of this.nodes) {
      const why = this.misfit(node, d);
      if (why) {
        bump(why);
        continue;
      }
      const u = this.usage.get(node.name)!;
      // GPU pods bin-pack (fewest fragmented GPUs); CPU pods spread (kube-scheduler's default)
      const gpuReq = Object.keys(d.requests).some((k) => k.startsWith('nvidia.com/'));
      const score = gpuReq ? u.holders.filter(Boolean).length : -u.pods;
      if (!best || score > best.score) best = { node, score };
    }
    if (!best) {
      const parts = [...reasons.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([r, c]) => `${c} ${r}`);
      return { ok: false, message: `0/${this.nodes.length} nodes are available: ${parts.join(', ')}.` };
    }
    return { ok: true, node: best.node.name, slots: this.bind(best.node, d) };
  }

  private misfit(node: SimNode, d: PodDemand): string | undefined {
    if (this.unschedulable(node.name)) return 'node(s) were unschedulable';
    const labels = this.labelsOf(node.name);
    for (const [k, v] of Object.entries(d.nodeSelector ?? {})) {
      if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
    }
    const terms = d.affinityTerms ?? [];
    if (terms.length && !terms.some((t) => (t.matchExpressions ?? []).every((e) => matchExpr(labels, e)))) {
      return "node(s) didn't match Pod's node affinity/selector";
    }
    for (const t of this.taintsOf(node.name)) {
      if (t.effect === 'PreferNoSchedule') continue;
      if (!tolerates(d.tolerations, t)) return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
    }
    const u = this.usage.get(node.name)!;
    const cap = (r: string) => parseQuantity(node.capacity[r]);
    if (u.pods + 1 > cap('pods')) return 'Too many pods';
    for (const [r, q] of Object.entries(d.requests)) {
      if (q <= 0) continue;
      const used = r === 'cpu' ? u.cpu : r === 'memory' ? u.memory : (u.extended.get(r) ?? 0);
      if (used + q > cap(r) + 1e-9) return `Insufficient ${r}`;
    }
    return undefined;
  }

  private bind(node: SimNode, d: PodDemand): GpuSlot[] {
    const u = this.usage.get(node.name)!;
    u.pods += 1;
    u.cpu += d.requests.cpu ?? 0;
    u.memory += d.requests.memory ?? 0;
    const slotIdx: number[] = [];
    for (const [r, q] of Object.entries(d.requests)) {
      if (r === 'cpu' || r === 'memory' || q <= 0) continue;
      u.extended.set(r, (u.extended.get(r) ?? 0) + q);
      // time-sliced replicas go to the physical GPUs with the fewest holders, as evenly as possible
      const perGpu = new Map<number, number>();
      node.slots.forEach((s, i) => u.holders[i] && perGpu.set(s.gpu, (perGpu.get(s.gpu) ?? 0) + 1));
      const free = node.slots
        .map((s, i) => ({ s, i }))
        .filter(({ s, i }) => s.resource === r && !u.holders[i])
        .sort((a, b) => (perGpu.get(a.s.gpu) ?? 0) - (perGpu.get(b.s.gpu) ?? 0) || a.i - b.i);
      const picked: number[] = [];
      const gpus = new Set<number>();
      for (const { s, i } of free) {
        if (picked.length >= q) break;
        if (gpus.has(s.gpu)) continue;
        gpus.add(s.gpu);
        picked.push(i);
      }
      for (const { i } of free) {
        if (picked.length >= q) break;
        if (!picked.includes(i)) picked.push(i);
      }
      for (const i of picked) {
        u.holders[i] = d.key;
        slotIdx.push(i);
      }
    }
    this.byPod.set(d.key, { node: node.name, demand: d, slotIdx });
    return slotIdx.map((i) => node.slots[i]);
  }

  /** The node and slot indices a pod holds (persistence keeps them to bind it again after a restart). */
  bindingOf(podKey: string): { node: string; slotIdx: number[] } | undefined {
    const b = this.byPod.get(podKey);
    return b && { node: b.node, slotIdx: b.slotIdx };
  }

  /** Binds a pod restored from a snapshot to the node and slots it held; undefined when that node is gone. */
  rebind(d: PodDemand, nodeName: string, slotIdx: number[]): GpuSlot[] | undefined {
    const node = this.nodes.find((n) => n.name === nodeName);
    const u = this.usage.get(nodeName);
    if (!node || !u || slotIdx.some((i) => i >= node.slots.length)) return undefined;
    u.pods += 1;
    u.cpu += d.requests.cpu ?? 0;
    u.memory += d.requests.memory ?? 0;
    for (const [r, q] of Object.entries(d.requests))
      if (r !== 'cpu' && r !== 'memory' && q > 0) u.extended.set(r, (u.extended.get(r) ?? 0) + q);
    for (const i of slotIdx) u.holders[i] = d.key;
    this.byPod.set(d.key, { node: nodeName, demand: d, slotIdx });
    return slotIdx.map((i) => node.slots[i]);
  }

  release(podKey: string): void {
    const b = this.byPod.get(podKey);
    if (!b) return;
    this.byPod.delete(podKey);
    const u = this.usage.get(b.node)!;
    u.pods -= 1;
    u.cpu -= b.demand.requests.cpu ?? 0;
    u.memory -= b.demand.requests.memory ?? 0;
    for (const [r, q] of Object.entries(b.demand.requests)) {
      if (r !== 'cpu' && r !== 'memory' && q > 0) u.extended.set(r, (u.extended.get(r) ?? 0) - q);
    }
    for (const i of b.slotIdx) u.holders[i] = undefined;
    this.generation++;
  }
}

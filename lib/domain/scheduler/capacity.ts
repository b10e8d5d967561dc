// Physical capacity per GPU kind: which nodes have how many free, where a job goes (best fit), and
// when a blocked job could start as running jobs end.
import type { TeamAccount } from './ledger';
import type { GpuNode, NodePlacement } from './schema';

export interface KindPool {
  kind: string;
  /** Nodes that have this kind, sorted by name so every choice is deterministic. */
  names: string[];
  index: Map<string, number>;
  capacity: number[];
  /** Free now; the admission pass lowers it as it admits and holds. */
  free: number[];
  /** Bumped whenever the pass changes `free` (lets derived per-node vectors be reused until then). */
  version: number;
  totalCapacity: number;
  maxNodeCapacity: number;
}

export function buildPools(nodes: GpuNode[]): Map<string, KindPool> {
  const byKind = new Map<string, { name: string; capacity: number; free: number }[]>();
  // Indexed loops over keys: this runs once per pass, unoptimized, where for-of over entries
  // allocates an iterator result and an entry array per node and kind.
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    const kinds = Object.keys(node.gpus);
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[k];
      const gpus = node.gpus[kind];
      if (gpus.capacity <= 0) continue;
      const list = byKind.get(kind) ?? [];
      // free above capacity would let the policy oversubscribe; trust the smaller number.
      list.push({ name: node.name, capacity: gpus.capacity, free: Math.min(gpus.free, gpus.capacity) });
      byKind.set(kind, list);
    }
  }
  const pools = new Map<string, KindPool>();
  for (const [kind, list] of byKind) {
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    pools.set(kind, {
      kind,
      names: list.map((n) => n.name),
      index: indexOf(list),
      capacity: list.map((n) => n.capacity),
      free: list.map((n) => n.free),
      version: 0,
      totalCapacity: list.reduce((s, n) => s + n.capacity, 0),
      maxNodeCapacity: list.reduce((m, n) => Math.max(m, n.capacity), 0),
    });
  }
  return pools;
}

function indexOf(list: { name: string }[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < list.length; i++) index.set(list[i].name, i);
  return index;
}

/** Per-node counts, indexed like KindPool.names. */
export type Allocation = Map<number, number>;

/**
 * Best fit: the node whose free count is the smallest that still holds the job, so whole nodes
 * stay free for big jobs. A multi-node job takes the emptiest nodes whole until the rest fits on
 * one node, then best-fits the rest: few nodes, and no new fragment.
 */
export function placeJob(avail: readonly number[], count: number, singleNode: boolean): Allocation | null {
  const single = bestFit(avail, count);
  if (single >= 0) return new Map<number, number>().set(single, count);
  if (singleNode) return null;
  let total = 0;
  for (let i = 0; i < avail.length; i++) total += avail[i];
  if (total < count) return null;
  const used = new Set<number>();
  const alloc: Allocation = new Map();
  let rest = count;
  while (rest > 0) {
    const fit = findBestFit(avail, rest, used);
    if (fit >= 0) {
      alloc.set(fit, rest);
      break;
    }
    let widest = -1;
    for (let i = 0; i < avail.length; i++) {
      if (!used.has(i) && avail[i] > 0 && (widest < 0 || avail[i] > avail[widest])) widest = i;
    }
    used.add(widest);
    alloc.set(widest, avail[widest]);
    rest -= avail[widest];
  }
  return alloc;
}

/** The node with the least room that still holds `count` (first such by index), or -1. */
export function bestFit(avail: readonly number[], count: number): number {
  let best = -1;
  let room = Infinity;
  for (let i = 0; i < avail.length; i++) {
    const a = avail[i];
    if (a >= count && a < room) {
      // An exact fit cannot be beaten, and later nodes lose ties.
      if (a === count) return i;
      best = i;
      room = a;
    }
  }
  return best;
}

function findBestFit(avail: readonly number[], count: number, skip: Set<number> | null): number {
  let best = -1;
  for (let i = 0; i < avail.length; i++) {
    if (avail[i] >= count && (best < 0 || avail[i] < avail[best]) && !skip?.has(i)) best = i;
  }
  return best;
}

export function sumFree(avail: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < avail.length; i++) s += avail[i];
  return s;
}

export function toPlacements(pool: KindPool, alloc: Allocation): NodePlacement[] {
  // Most jobs sit on one node: skip the entry arrays and the sort.
  if (alloc.size === 1) {
    const out: NodePlacement[] = [];
    alloc.forEach((count, i) => {
      if (count > 0) out.push({ node: pool.names[i], count });
    });
    return out;
  }
  return [...alloc.entries()]
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([i, count]) => ({ node: pool.names[i], count }));
}

/**
 * GPUs that come back to a kind's pool at `at` (a running job ending, a hold lapsing). Per-node
 * counts as parallel arrays rather than an Allocation: a pass builds one for every running job,
 * and a Map each was the largest single share of its garbage.
 */
export interface Release {
  at: number;
  /** Node indices (KindPool.names) and the GPUs that come back on each. */
  nodes: number[];
  counts: number[];
  /** Ledger effect when it happens: whose usage drops, by how many GPUs (none for a hold). */
  account: TeamAccount | undefined;
  count: number;
  /** Cancelled releases are ignored (a victim whose GPUs were re-promised). */
  cancelled: boolean;
}

/**
 * A release of an allocation's GPUs, in the allocation's order. Every release has this one shape,
 * and its arrays are packed like those of running jobs' releases (buildPassState): arrays made with
 * a length are holey, and code that had only met packed ones was deoptimised on meeting one.
 */
export function releaseOf(at: number, alloc: Allocation, count = 0, account?: TeamAccount): Release {
  const release: Release = { at, nodes: [], counts: [], account, count, cancelled: false };
  // The release as forEach's `this`: a module-level callback and no closure per call.
  alloc.forEach(collect, release);
  return release;
}

function collect(this: Release, count: number, node: number): void {
  this.nodes.push(node);
  this.counts.push(count);
}

/**
 * Earliest instant at or after `now` when the job fits if releases happen as expected, with the
 * nodes it would use and every node's free count at that instant (EASY's "shadow" time).
 */
export function findEarliestStart(
  free: readonly number[],
  releases: readonly Release[],
  count: number,
  singleNode: boolean,
  now: number,
): { startAt: number; alloc: Allocation; freeAt: number[] } | null {
  const avail = [...free];
  const now0 = placeJob(avail, count, singleNode);
  if (now0) return { startAt: now, alloc: now0, freeAt: avail };
  const live = releases.filter(isLive).sort(byTime);
  for (let i = 0; i < live.length;) {
    const at = live[i].at;
    for (; i < live.length && live[i].at === at; i++) {
      const { nodes, counts } = live[i];
      for (let j = 0; j < nodes.length; j++) avail[nodes[j]] += counts[j];
    }
    const alloc = placeJob(avail, count, singleNode);
    if (alloc) return { startAt: Math.max(at, now), alloc, freeAt: avail };
  }
  return null;
}

const isLive = (r: Release): boolean => !r.cancelled;
const byTime = (a: Release, b: Release): number => a.at - b.at;

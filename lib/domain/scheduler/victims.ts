// Choosing whom to preempt so a job gets GPUs it is guaranteed: borrowers of other teams (and,
// optionally, the team's own lower-priority jobs), lowest priority first and, within a class,
// the most recently started first (it loses the least work). Jobs already told to stop are used
// before anyone new is asked.
import type { Allocation, KindPool, Release } from './capacity';
import { placeJob, sumFree } from './capacity';
import type { TeamAccount } from './ledger';
import { cmp } from './order';
import type { RunningJob } from './schema';

export interface RunningView {
  job: RunningJob;
  rank: number;
  count: number;
  release: Release;
  /** Already told to stop (before or during this pass). */
  stopping: boolean;
  /** Its GPUs were already promised to a reclaiming job in this pass. */
  claimed: boolean;
  /** Its team's ledger account for the kind. */
  account: TeamAccount;
  /** Its GPUs per node: the same arrays as release.nodes and release.counts. */
  nodes: number[];
  counts: number[];
}

export interface VictimPlan {
  victims: RunningView[];
  alloc: Allocation;
}

/** Who may be asked to stop, given the GPUs already taken from the job's team in the plan being built. */
export interface Eligible {
  allows(view: RunningView, takenFromTeam: number): boolean;
}

/** Preemption order: lowest priority first, then most recently started, then id. */
export function compareVictims(a: RunningView, b: RunningView): number {
  return a.rank - b.rank || b.job.startedAt - a.job.startedAt || cmp(a.job.id, b.job.id);
}

/**
 * Sorts views in compareVictims order, stably. One numeric sort of packed (class, start, index)
 * keys instead of a comparator call per comparison; runs with equal class and start, which are
 * rare, are then ordered by id. Falls back to the comparator when the keys do not pack exactly.
 */
export function sortVictims(views: RunningView[]): void {
  const n = views.length;
  if (n < 2) return;
  let min = Infinity;
  let max = -Infinity;
  let exact = true;
  for (let i = 0; i < n; i++) {
    const t = views[i].job.startedAt;
    const r = views[i].rank;
    if (!Number.isInteger(t) || !(r >= 0 && r <= 4 && Number.isInteger(r))) exact = false;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const span = max - min + 1;
  if (!exact || 5 * span * n > Number.MAX_SAFE_INTEGER) {
    views.sort(compareVictims);
    return;
  }
  const keys = new Float64Array(n);
  // Lower class first, then the most recently started first.
  for (let i = 0; i < n; i++) keys[i] = (views[i].rank * span + (max - views[i].job.startedAt)) * n + i;
  keys.sort();
  const copy = views.slice();
  for (let i = 0; i < n; i++) views[i] = copy[keys[i] % n];
  for (let i = 0; i < n;) {
    // Exact integer arithmetic (keys are safe integers); a division could round up.
    const group = keys[i] - (keys[i] % n);
    let j = i + 1;
    while (j < n && keys[j] - (keys[j] % n) === group) j++;
    if (j - i > 1) {
      const run = views.slice(i, j).sort(compareVictims);
      for (let k = i; k < j; k++) views[k] = run[k - i];
    }
    i = j;
  }
}

/**
 * `sorted` is in compareVictims order (sorted once per pass). Jobs already stopping come first,
 * and jobs that are not eligible even on their own are dropped before any planning. This runs
 * once per reclaiming job over every running job of the kind, so it fills the pool's scratch
 * lists instead of new arrays: the first `L.ordered` entries of the returned list are valid until
 * the next call for the pool (entries past them are stale).
 */
function orderVictims(L: NodeLists, sorted: RunningView[], eligible: Eligible): RunningView[] {
  const stopping = L.stopping;
  const others = L.others;
  let s = 0;
  let o = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (v.claimed || !eligible.allows(v, 0)) continue;
    if (v.stopping) stopping[s++] = v;
    else others[o++] = v;
  }
  L.ordered = s + o;
  if (s === 0) return others;
  for (let i = 0; i < o; i++) stopping[s + i] = others[i];
  return stopping;
}

/**
 * What the whole set of victims must also achieve: at least `gpus` of their GPUs are `account`'s
 * own (a team stopping its lower-priority jobs to come within its quota). Data rather than a
 * callback, so planning can count it as it goes.
 */
export interface OwnShare {
  account: TeamAccount;
  gpus: number;
}

function ownEnough(taken: RunningView[], own: OwnShare | null): boolean {
  if (!own || own.gpus <= 0) return true;
  let mine = 0;
  for (let i = 0; i < taken.length; i++) if (taken[i].account === own.account) mine += taken[i].count;
  return mine >= own.gpus;
}

/**
 * Who may be asked to stop for the reclaim being planned: jobs already stopping, the team's own
 * lower-priority jobs (when in-team preemption is on), and jobs of teams that hold more than their
 * guarantee. One per pass, aimed at each reclaiming job in turn, rather than a closure per reclaim.
 */
export class ReclaimRule implements Eligible {
  private account: TeamAccount | null = null;
  private rank = 0;
  /** Counts reclaims, so a per-team answer is known to be this reclaim's. */
  private number = 0;
  /** Per team account (by id): whether it borrows, valid while its `askedBy` is this reclaim's number. */
  private borrows = new Uint8Array(0);
  private askedBy = new Int32Array(0);

  constructor(
    private readonly inTeam: boolean,
    /** The ledger's team accounts, indexed by id (it may grow during the pass). */
    private readonly accounts: readonly TeamAccount[],
  ) {}

  aim(account: TeamAccount, rank: number): void {
    this.account = account;
    this.rank = rank;
    this.number++;
    if (this.askedBy.length < this.accounts.length) {
      this.borrows = new Uint8Array(this.accounts.length);
      this.askedBy = new Int32Array(this.accounts.length);
    }
  }

  done(): void {
    this.account = null;
  }

  allows(v: RunningView, taken: number): boolean {
    if (v.stopping) return true;
    const ta = v.account;
    if (ta === this.account) return this.inTeam && v.rank < this.rank;
    if (taken > 0) return borrowing(v, taken);
    // Asked for every running job of the kind: answer once per team.
    if (this.askedBy[ta.id] !== this.number) {
      this.askedBy[ta.id] = this.number;
      this.borrows[ta.id] = borrowing(v, 0) ? 1 : 0;
    }
    return this.borrows[ta.id] === 1;
  }
}

/** Whether the victim's team would still hold more than its guarantee with `taken` more of its GPUs gone. */
function borrowing(v: RunningView, taken: number): boolean {
  const ta = v.account;
  return ta.usage - ta.stopping - taken > ta.quota.guaranteed;
}

/** One reclaim's question, as the planners below share it. */
interface Ask {
  pool: KindPool;
  /** Candidates in preemption order, stopping ones first; the first `n` are valid. */
  ordered: RunningView[];
  n: number;
  count: number;
  eligible: Eligible;
  own: OwnShare | null;
  /** GPUs taken from each team account (by id) in the plan being built; all 0 between walks. */
  taken: Float64Array;
}

export function selectVictims(
  scratch: VictimScratch,
  pool: KindPool,
  /** Running jobs of the kind in compareVictims order. */
  candidates: RunningView[],
  count: number,
  singleNode: boolean,
  eligible: Eligible,
  /** An extra condition on the whole set (null: none). */
  own: OwnShare | null = null,
): VictimPlan | null {
  const L = scratch.listsFor(pool);
  const ordered = orderVictims(L, candidates, eligible);
  const n = L.ordered;
  if (n === 0) return null;
  const ask: Ask = { pool, ordered, n, count, eligible, own, taken: scratch.takenByAccount() };
  const fitsNow = placeJob(pool.free, count, singleNode);
  if (fitsNow) {
    // Room exists; only the quota needs victims (the team's own lower-priority jobs).
    const sufficient = (taken: RunningView[]) => ownEnough(taken, own);
    const chosen = takeUntil(ask, sufficient);
    return chosen ? { victims: prune(chosen, sufficient), alloc: fitsNow } : null;
  }
  if (!singleNode) return planAcross(ask);
  return planOnOneNode(ask, L);
}

/** Per-pool scratch for victim planning: per node, a list of (victim, GPUs there) in preemption order. */
interface NodeLists {
  head: Int32Array;
  tail: Int32Array;
  reach: Float64Array;
  /**
   * Entries: index into `ordered`, GPUs on the node, next entry of the same node (-1 ends). Typed
   * arrays kept across calls and grown by doubling: this runs once per reclaiming job, and fresh
   * arrays each time were a quarter of a pass's garbage.
   */
  view: Int32Array;
  gpus: Float64Array;
  next: Int32Array;
  /** Entries taken on the node being walked, and on the best node so far (swapped when it wins). */
  walk: Int32Array;
  best: Int32Array;
  /** Nodes in order of first appearance. */
  nodes: Int32Array;
  /** orderVictims' lists (stopping first, then the others) and how many entries are valid. */
  stopping: RunningView[];
  others: RunningView[];
  ordered: number;
}

/**
 * Victim planning's scratch for one pass, reused by each of its reclaims: every call used to
 * allocate these, and they were a quarter of a pass's garbage.
 */
export class VictimScratch {
  private readonly lists = new Map<KindPool, NodeLists>();
  private taken = new Float64Array(0);

  /** `accounts`: the ledger's team accounts, indexed by id (it may grow during the pass). */
  constructor(private readonly accounts: readonly TeamAccount[]) {}

  listsFor(pool: KindPool): NodeLists {
    let s = this.lists.get(pool);
    if (!s) {
      const n = pool.free.length;
      s = {
        head: new Int32Array(n).fill(-1),
        tail: new Int32Array(n),
        reach: new Float64Array(n),
        view: new Int32Array(64),
        gpus: new Float64Array(64),
        next: new Int32Array(64),
        walk: new Int32Array(64),
        best: new Int32Array(64),
        nodes: new Int32Array(n),
        stopping: [],
        others: [],
        ordered: 0,
      };
      this.lists.set(pool, s);
    }
    return s;
  }

  /** GPUs taken per team account, all 0 (a walk puts back what it took). */
  takenByAccount(): Float64Array {
    if (this.taken.length < this.accounts.length) this.taken = new Float64Array(this.accounts.length);
    return this.taken;
  }
}

/**
 * Fills L's per-node lists with the first `n` of `ordered` (entries in preemption order) and each
 * node's reach (free GPUs plus all its candidates' GPUs); returns how many nodes have candidates.
 */
function fillNodeLists(L: NodeLists, ordered: RunningView[], n: number, free: readonly number[]): number {
  let entries = 0;
  for (let k = 0; k < n; k++) entries += ordered[k].nodes.length;
  if (L.view.length < entries) {
    const size = Math.max(entries, L.view.length * 2);
    L.view = new Int32Array(size);
    L.gpus = new Float64Array(size);
    L.next = new Int32Array(size);
    L.walk = new Int32Array(size);
    L.best = new Int32Array(size);
  }
  const { head, tail, reach, view, gpus, next, nodes } = L;
  let e = 0;
  let nodeCount = 0;
  for (let k = 0; k < n; k++) {
    const on = ordered[k].nodes;
    const counts = ordered[k].counts;
    for (let j = 0; j < on.length; j++) {
      const node = on[j];
      const g = counts[j];
      view[e] = k;
      gpus[e] = g;
      next[e] = -1;
      if (head[node] < 0) {
        head[node] = e;
        reach[node] = free[node];
        nodes[nodeCount++] = node;
      } else {
        next[tail[node]] = e;
      }
      tail[node] = e;
      reach[node] += g;
      e++;
    }
  }
  return nodeCount;
}

/**
 * For a single-node job: on each node, take victims there in preemption order until the job
 * fits; keep the node needing the fewest new victims, then the ones earliest in preemption order.
 * Only the winner is pruned, so each node costs one pass over its own victims. A walk records
 * entry numbers in scratch arrays; only the winner's become a list of views.
 */
function planOnOneNode(ask: Ask, L: NodeLists): VictimPlan | null {
  const { pool, ordered, count, eligible, own, taken: takenFrom } = ask;
  const nodeCount = fillNodeLists(L, ordered, ask.n, pool.free);
  const { head, reach, view, gpus, next, nodes } = L;
  // GPUs the team must give up itself (0: no such condition); counted on the walk.
  const ownAccount = own && own.gpus > 0 ? own.account : null;
  const ownNeed = ownAccount ? own!.gpus : 0;
  // The winner is the least (fresh, last, spare, node): a total order, so the order in which nodes
  // are tried changes nothing; stopping a node's walk once it needs more fresh victims than the
  // best so far only skips nodes that cannot win.
  let walk = L.walk;
  let best = L.best;
  let bestCount = 0;
  let bestNode = -1;
  let bestFresh = 0;
  let bestLast = 0;
  let bestSpare = 0;
  for (let x = 0; x < nodeCount; x++) {
    const i = nodes[x];
    if (pool.capacity[i] < count || reach[i] < count) continue;
    let taken = 0;
    let mine = 0;
    let avail = pool.free[i];
    let fresh = 0;
    let last = -1;
    for (let e = head[i]; e >= 0; e = next[e]) {
      const v = ordered[view[e]];
      if (!eligible.allows(v, takenFrom[v.account.id])) continue;
      walk[taken++] = e;
      takenFrom[v.account.id] += v.count;
      if (v.account === ownAccount) mine += v.count;
      avail += gpus[e];
      if (!v.stopping) {
        fresh++;
        last = view[e];
      }
      if (avail >= count && mine >= ownNeed) break;
      if (bestNode >= 0 && fresh > bestFresh) break;
    }
    for (let t = 0; t < taken; t++) takenFrom[ordered[view[walk[t]]].account.id] = 0;
    if (avail < count || mine < ownNeed) continue;
    const spare = avail - count;
    const better =
      bestNode < 0 ||
      fresh < bestFresh ||
      (fresh === bestFresh &&
        (last < bestLast || (last === bestLast && (spare < bestSpare || (spare === bestSpare && i < bestNode)))));
    if (better) {
      const won = walk;
      walk = best;
      best = won;
      bestCount = taken;
      bestNode = i;
      bestFresh = fresh;
      bestLast = last;
      bestSpare = spare;
    }
  }
  L.walk = walk;
  L.best = best;
  for (let x = 0; x < nodeCount; x++) head[nodes[x]] = -1;
  if (bestNode < 0) return null;
  const node = bestNode;
  const chosen = new Array<RunningView>(bestCount);
  for (let t = 0; t < bestCount; t++) chosen[t] = ordered[view[best[t]]];
  const victims = prune(chosen, (t) => pool.free[node] + sumOn(t, node) >= count && ownEnough(t, own));
  return { victims, alloc: new Map([[node, count]]) };
}

function planAcross(ask: Ask): VictimPlan | null {
  const { pool, count, own } = ask;
  const base = sumFree(pool.free);
  const enough = (taken: RunningView[]) => {
    let gpus = base;
    for (let i = 0; i < taken.length; i++) gpus += taken[i].count;
    return gpus >= count && ownEnough(taken, own);
  };
  const chosen = takeUntil(ask, enough);
  if (!chosen) return null;
  const kept = prune(chosen, enough);
  const avail = pool.free.slice();
  for (const v of kept) for (let j = 0; j < v.nodes.length; j++) avail[v.nodes[j]] += v.counts[j];
  const alloc = placeJob(avail, count, false);
  return alloc ? { victims: kept, alloc } : null;
}

/** The first `n` of `ordered`, taken in order while eligible until `done`. */
function takeUntil(ask: Ask, done: (taken: RunningView[]) => boolean): RunningView[] | null {
  const { ordered, n, eligible, taken: takenFrom } = ask;
  const taken: RunningView[] = [];
  if (done(taken)) return taken;
  let result: RunningView[] | null = null;
  for (let k = 0; k < n; k++) {
    const v = ordered[k];
    if (!eligible.allows(v, takenFrom[v.account.id])) continue;
    taken.push(v);
    takenFrom[v.account.id] += v.count;
    if (done(taken)) {
      result = taken;
      break;
    }
  }
  for (const v of taken) takenFrom[v.account.id] = 0;
  return result;
}

/**
 * Drops victims that turned out unnecessary, the last chosen (most valuable) first. In place on
 * one copy rather than a filtered copy per victim: only later entries were removed when
 * chosen[i] is tried, so it is still kept[i].
 */
function prune(chosen: RunningView[], enough: (taken: RunningView[]) => boolean): RunningView[] {
  const kept = chosen.slice();
  for (let i = chosen.length - 1; i >= 0; i--) {
    const v = kept[i];
    for (let j = i + 1; j < kept.length; j++) kept[j - 1] = kept[j];
    kept.length--;
    if (enough(kept)) continue;
    kept.push(v);
    for (let j = kept.length - 1; j > i; j--) kept[j] = kept[j - 1];
    kept[i] = v;
  }
  return kept;
}

function sumOn(views: RunningView[], node: number): number {
  let s = 0;
  for (let i = 0; i < views.length; i++) {
    const v = views[i];
    for (let j = 0; j < v.nodes.length; j++) if (v.nodes[j] === node) s += v.counts[j];
  }
  return s;
}

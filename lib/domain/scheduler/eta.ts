// ETAs by simulating forward: running jobs (and jobs admitted in this pass) end when expected,
// and waiting jobs start in queue order as GPUs and quota allow. A job blocked on capacity blocks
// the jobs behind it for its GPU kind (no backfill in the estimate, so ETAs lean late rather than
// early); a job blocked on its team's quota blocks only its team until the team's jobs end.
//
// One simulation per GPU kind covers every waiting job of that kind. Kinds do not interact (quota
// and cohort accounts are per kind), so all of them run on one copy of the ledger's usage counts
// (UsageCopy) and ask the ledger's own quota rules of it.
import type { Release } from './capacity';
import { bestFit, placeJob, releaseOf, sumFree } from './capacity';
import type { PassState, WaitDraft } from './pass';
import { MinHeap } from './heap';
import type { TeamAccount, UsageCopy } from './ledger';
import { accountOf, aimCopy, chargeCopy, copyUsage, fitCopy, QuotaFit } from './ledger';

/**
 * A team's waiting jobs of one kind, in queue order: a chain through queue positions (see
 * Waiting.after) rather than arrays of its own, so building hundreds of lanes allocates little.
 */
interface Lane {
  /** Queue position of the lane's next job (-1 once all started). */
  at: number;
  /** Position of its last job, while the chain is being built. */
  last: number;
  account: TeamAccount;
  /** While blocked: on the team's hard limit (only its own releases help) rather than on borrowing. */
  hardLimit: boolean;
}

/** The simulated jobs by queue position. */
interface Waiting {
  drafts: WaitDraft[];
  /** GPUs each job needs (read again and again while its lane waits); plain numbers, as in EventQueue. */
  need: number[];
  /** Position of the same lane's next job (-1: none). */
  after: Int32Array;
}

/** The simulation's counts: the ledger's usage (copied), and which accounts a batch of releases touched. */
interface SimBook {
  usage: UsageCopy;
  /** Batch stamps: the team or cohort had a release in the current batch. */
  teamMark: Int32Array;
  cohortMark: Int32Array;
  batch: number;
}

/**
 * Events by time (GPUs coming back, usage dropping), as parallel arrays rather than an object per
 * event: a pass queues an event for every running job and every simulated start, and those objects
 * were a large share of its garbage. An event is an id into the payload arrays, and the heap holds
 * ids ordered by time. Sized once for the largest kind and cleared between kinds. Events at the
 * same instant are applied together, so their order among themselves does not matter.
 */
class EventQueue {
  /** Where the GPUs come back: `gpus` on one node (`node`, -1 for none) or, across nodes, `parts`. */
  readonly node: Int32Array;
  // GPU counts stay plain (small-integer) arrays: values read from a Float64Array are doubles,
  // and adding those into the per-node free counts would turn them into double arrays.
  readonly gpus: number[];
  readonly parts: (NodeCounts | null)[];
  /** Whose usage drops by `count` (undefined: nobody's, e.g. a hold lapsing). */
  readonly account: (TeamAccount | undefined)[];
  readonly count: number[];
  private readonly heap: MinHeap<number>;
  private used = 0;

  constructor(capacity: number) {
    this.node = new Int32Array(capacity);
    this.gpus = new Array<number>(capacity).fill(0);
    this.parts = new Array<NodeCounts | null>(capacity).fill(null);
    this.account = new Array<TeamAccount | undefined>(capacity).fill(undefined);
    this.count = new Array<number>(capacity).fill(0);
    this.heap = new MinHeap<number>();
  }

  clear(): void {
    // Drop references so a finished kind's allocations and accounts are not kept alive.
    this.parts.fill(null, 0, this.used);
    this.account.fill(undefined, 0, this.used);
    this.heap.clear();
    this.used = 0;
  }

  /** Time of the next event (Infinity when none). */
  peekAt(): number {
    return this.heap.peekKey();
  }

  add(
    at: number,
    parts: NodeCounts | null,
    node: number,
    gpus: number,
    account: TeamAccount | undefined,
    count: number,
  ): void {
    const id = this.used++;
    this.parts[id] = parts;
    this.node[id] = node;
    this.gpus[id] = gpus;
    this.account[id] = account;
    this.count[id] = count;
    this.heap.push(id, at);
  }

  /** Removes the next event and returns its id (-1 when none). */
  pop(): number {
    return this.heap.pop() ?? -1;
  }
}
/** GPUs per node coming back together (a release's arrays). */
type NodeCounts = Pick<Release, 'nodes' | 'counts'>;

/** Expected start of each draft, by its position in `drafts` (NaN where not simulated or never starting). */
export function estimateStarts(state: PassState, drafts: WaitDraft[]): Float64Array {
  const etas = new Float64Array(drafts.length).fill(NaN);
  const { lanesByKind, waiting, events } = buildLanes(state, drafts);
  if (lanesByKind.size === 0) return etas;
  const { ledger } = state;
  const book: SimBook = {
    usage: copyUsage(ledger),
    teamMark: new Int32Array(ledger.accounts.length),
    cohortMark: new Int32Array(ledger.cohortAccounts.length),
    batch: 0,
  };
  for (const [kind, lanes] of lanesByKind) {
    const pool = state.pools.get(kind);
    if (!pool) continue;
    queueReleases(events, state.releases.get(kind) ?? []);
    aimCopy(book.usage, ledger, kind);
    simulateKind(pool.free.slice(), events, lanes, waiting, book, state.now, etas);
  }
  return etas;
}

/**
 * One lane per team account (dense ids, so an array finds it), grouped by kind; the drafts come in
 * queue order, so each lane's jobs do too. Fixed ETAs (reservations, reclaims) and never-starting
 * jobs are not simulated. The event queue is sized for the kind with the most events (each
 * release, and at most one start per job).
 */
function buildLanes(
  state: PassState,
  drafts: WaitDraft[],
): { lanesByKind: Map<string, Lane[]>; waiting: Waiting; events: EventQueue } {
  const laneOf: (Lane | undefined)[] = [];
  const lanesByKind = new Map<string, Lane[]>();
  const waiting: Waiting = {
    drafts,
    need: new Array<number>(drafts.length).fill(0),
    after: new Int32Array(drafts.length).fill(-1),
  };
  const pendingByKind = new Map<string, number>();
  for (let position = 0; position < drafts.length; position++) {
    const d = drafts[position];
    if (d.fixedEta !== null) continue;
    const job = d.job;
    const kind = job.gpu.kind;
    const account = d.account ?? accountOf(state.ledger, job.team, kind);
    waiting.need[position] = job.gpu.count;
    let lane = laneOf[account.id];
    if (!lane) {
      laneOf[account.id] = lane = { at: position, last: position, account, hardLimit: false };
      let lanes = lanesByKind.get(kind);
      if (!lanes) lanesByKind.set(kind, (lanes = []));
      lanes.push(lane);
    } else {
      waiting.after[lane.last] = position;
      lane.last = position;
    }
    pendingByKind.set(kind, (pendingByKind.get(kind) ?? 0) + 1);
  }
  let capacity = 0;
  for (const [kind, pending] of pendingByKind)
    capacity = Math.max(capacity, (state.releases.get(kind)?.length ?? 0) + pending);
  return { lanesByKind, waiting, events: new EventQueue(capacity) };
}

/** Empties the queue and queues a kind's releases that still stand. */
function queueReleases(events: EventQueue, releases: Release[]): void {
  events.clear();
  for (let k = 0; k < releases.length; k++) {
    const r = releases[k];
    if (r.cancelled) continue;
    // Holds for reclaiming jobs carry no account: they move no usage when they lapse.
    if (r.nodes.length > 1) events.add(r.at, r, -1, 0, r.account, r.count);
    else if (r.nodes.length === 1) events.add(r.at, null, r.nodes[0], r.counts[0], r.account, r.count);
    else events.add(r.at, null, -1, 0, r.account, r.count);
  }
}

function simulateKind(
  free: number[],
  events: EventQueue,
  lanes: Lane[],
  waiting: Waiting,
  book: SimBook,
  now: number,
  etas: Float64Array,
): void {
  const { drafts, need, after } = waiting;
  // Lanes by the queue position of their next job.
  const byHead = new MinHeap<Lane>();
  for (const lane of lanes) byHead.push(lane, lane.at);
  let t = now;
  // Free GPUs in total: fewer than a job needs and no placement can succeed (counts are never negative).
  let freeTotal = sumFree(free);
  const negative = hasNegative(free);
  // Lanes blocked by quota sit out until a release could unblock them: their team's own (hard
  // limit) or their cohort's or the shared spare's (borrowing). A lane blocked on capacity stops
  // the whole kind (no backfill in the estimate).
  const blocked: Lane[] = [];
  for (;;) {
    for (let lane = byHead.peek(); lane; lane = byHead.peek()) {
      const count = need[lane.at];
      const fit = fitCopy(book.usage, lane.account, count);
      if (fit < QuotaFit.Borrowing) {
        lane.hardLimit = fit === QuotaFit.OverLimit;
        blocked.push(byHead.pop()!);
        continue;
      }
      // placeJob's choice, without building an Allocation for the usual one-node case.
      if (freeTotal < count && !negative) break;
      const node = bestFit(free, count);
      const job = drafts[lane.at].job;
      let parts: NodeCounts | null = null;
      if (node >= 0) {
        free[node] -= count;
      } else {
        if (job.singleNode) break;
        const alloc = placeJob(free, count, false);
        if (!alloc) break;
        parts = releaseOf(0, alloc);
        for (let j = 0; j < parts.nodes.length; j++) free[parts.nodes[j]] -= parts.counts[j];
      }
      freeTotal -= count;
      byHead.pop();
      chargeCopy(book.usage, lane.account, count);
      events.add(t + job.expectedRuntimeSeconds * 1000, parts, node, count, lane.account, count);
      etas[lane.at] = t;
      lane.at = after[lane.at];
      if (lane.at >= 0) byHead.push(lane, lane.at);
    }
    const at = events.peekAt();
    if (at === Infinity) return;
    t = Math.max(t, at);
    const overflowBefore = book.usage.overflow;
    freeTotal += applyBatch(events, at, free, book);
    unblock(blocked, byHead, book, need, book.usage.overflow < overflowBefore);
  }
}

function hasNegative(free: number[]): boolean {
  for (let i = 0; i < free.length; i++) if (free[i] < 0) return true;
  return false;
}

/** Applies every event at `at`: GPUs back to `free`, usage down; marks whom it touched. Returns the GPUs freed. */
function applyBatch(events: EventQueue, at: number, free: number[], book: SimBook): number {
  const batch = ++book.batch;
  let freed = 0;
  do {
    const e = events.pop();
    const parts = events.parts[e];
    if (parts) {
      // Rare (multi-node).
      for (let j = 0; j < parts.nodes.length; j++) {
        free[parts.nodes[j]] += parts.counts[j];
        freed += parts.counts[j];
      }
    } else if (events.node[e] >= 0) {
      const gpus = events.gpus[e];
      free[events.node[e]] += gpus;
      freed += gpus;
    }
    const account = events.account[e];
    if (account) {
      chargeCopy(book.usage, account, -events.count[e]);
      book.teamMark[account.id] = batch;
      book.cohortMark[account.cohort.id] = batch;
    }
  } while (events.peekAt() === at);
  return freed;
}

/**
 * Queues again the blocked lanes the last batch could have helped (their team's releases, or for
 * borrowers their cohort's or freed spare) and that quota now allows. Quota can only tighten until
 * the next release, so a lane still blocked now stays out until then (checked here rather than by
 * queueing it again only to block it again).
 */
function unblock(blocked: Lane[], byHead: MinHeap<Lane>, book: SimBook, need: number[], spareFreed: boolean): void {
  const batch = book.batch;
  for (let i = blocked.length - 1; i >= 0; i--) {
    const lane = blocked[i];
    const a = lane.account;
    const touched =
      book.teamMark[a.id] === batch || (!lane.hardLimit && (spareFreed || book.cohortMark[a.cohort.id] === batch));
    if (!touched) continue;
    const fit = fitCopy(book.usage, a, need[lane.at]);
    if (fit < QuotaFit.Borrowing) {
      lane.hardLimit = fit === QuotaFit.OverLimit;
      continue;
    }
    byHead.push(lane, lane.at);
    blocked[i] = blocked[blocked.length - 1];
    blocked.pop();
  }
}

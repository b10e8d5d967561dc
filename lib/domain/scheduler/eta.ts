// ETAs by simulating forward: running jobs (and jobs admitted in this pass) end when expected,
// and waiting jobs start in queue order as GPUs and quota allow. A job blocked on capacity blocks
// the jobs behind it for its GPU kind (no backfill in the estimate, so ETAs lean late rather than
// early); a job blocked on its team's quota blocks only its team until the team's jobs end.
//
// One simulation per GPU kind covers every waiting job of that kind. Kinds do not interact (quota
// and cohort accounts are per kind), so each works on its own copy of the few numbers it changes:
// per-account arrays indexed by the ledger's dense account ids, not a cloned ledger.
import type { Release } from './capacity';
import { bestFit, placeJob, releaseOf } from './capacity';
import type { PassState, WaitDraft } from './admit';
import { MinHeap } from './heap';
import type { TeamAccount } from './ledger';
import { accountOf } from './ledger';

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

/** Per-pass copies of the ledger numbers the simulation moves. */
interface SimBook {
  teamUsed: Float64Array;
  cohortUsed: Float64Array;
  /** Batch stamps: the team or cohort had a release in the current batch. */
  teamMark: Int32Array;
  cohortMark: Int32Array;
  overflow: number;
  batch: number;
}

/**
 * Events by time (GPUs coming back, usage dropping), as parallel typed arrays rather than an
 * object per event: a pass queues an event for every running job and every simulated start, and
 * those objects were a large share of its garbage. An event is an id into the payload arrays;
 * the heap holds (time, id) so sifting compares plain numbers. Sized once for the largest kind
 * and cleared between kinds. Events at the same instant are applied together, so their order
 * among themselves does not matter.
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
  private readonly heapAt: Float64Array;
  private readonly heapId: Int32Array;
  private size = 0;
  private used = 0;

  constructor(capacity: number) {
    this.node = new Int32Array(capacity);
    this.gpus = new Array<number>(capacity).fill(0);
    this.parts = new Array<NodeCounts | null>(capacity).fill(null);
    this.account = new Array<TeamAccount | undefined>(capacity).fill(undefined);
    this.count = new Array<number>(capacity).fill(0);
    this.heapAt = new Float64Array(capacity);
    this.heapId = new Int32Array(capacity);
  }

  clear(): void {
    // Drop references so a finished kind's allocations and accounts are not kept alive.
    this.parts.fill(null, 0, this.used);
    this.account.fill(undefined, 0, this.used);
    this.size = 0;
    this.used = 0;
  }

  /** Time of the next event (Infinity when none). */
  peekAt(): number {
    return this.size > 0 ? this.heapAt[0] : Infinity;
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
    const ats = this.heapAt;
    const ids = this.heapId;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(at < ats[p])) break;
      ats[i] = ats[p];
      ids[i] = ids[p];
      i = p;
    }
    ats[i] = at;
    ids[i] = id;
  }

  /** Removes the next event and returns its id (-1 when none). */
  pop(): number {
    const ats = this.heapAt;
    const ids = this.heapId;
    const n = this.size - 1;
    if (n < 0) return -1;
    this.size = n;
    const top = ids[0];
    const lastAt = ats[n];
    const last = ids[n];
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && ats[r] < ats[l] ? r : l;
        if (!(ats[m] < lastAt)) break;
        ats[i] = ats[m];
        ids[i] = ids[m];
        i = m;
      }
      ats[i] = lastAt;
      ids[i] = last;
    }
    return top;
  }
}
/** GPUs per node coming back together (a release's arrays). */
type NodeCounts = Pick<Release, 'nodes' | 'counts'>;

const lessLane = (a: Lane, b: Lane): boolean => a.at < b.at;

/** Expected start of each draft, by its position in `drafts` (NaN where not simulated or never starting). */
export function estimateStarts(state: PassState, drafts: WaitDraft[]): Float64Array {
  const etas = new Float64Array(drafts.length).fill(NaN);
  const { ledger } = state;
  // One lane per team account (dense ids, so an array finds it), grouped by kind; the drafts
  // come in queue order, so each lane's jobs do too.
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
    // Fixed ETAs (reservations, reclaims) and never-starting jobs are not simulated.
    if (d.fixedEta !== null) continue;
    const job = d.job;
    const kind = job.gpu.kind;
    const account = d.account ?? accountOf(ledger, job.team, kind);
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
  if (lanesByKind.size === 0) return etas;
  // The event queue is sized for the kind with the most events (each release, and at most one
  // start per job).
  let capacity = 0;
  for (const [kind, pending] of pendingByKind)
    capacity = Math.max(capacity, (state.releases.get(kind)?.length ?? 0) + pending);
  const teams = ledger.accounts;
  const cohorts = ledger.cohortAccounts;
  const book: SimBook = {
    teamUsed: new Float64Array(teams.length),
    cohortUsed: new Float64Array(cohorts.length),
    teamMark: new Int32Array(teams.length),
    cohortMark: new Int32Array(cohorts.length),
    overflow: 0,
    batch: 0,
  };
  for (let i = 0; i < teams.length; i++) book.teamUsed[i] = teams[i].usage[4];
  for (let i = 0; i < cohorts.length; i++) book.cohortUsed[i] = cohorts[i].usage;
  const events = new EventQueue(capacity);
  for (const [kind, lanes] of lanesByKind) {
    const pool = state.pools.get(kind);
    if (!pool) continue;
    events.clear();
    const releases = state.releases.get(kind) ?? [];
    for (let k = 0; k < releases.length; k++) {
      const r = releases[k];
      if (r.cancelled) continue;
      // Holds for reclaiming jobs carry no account: they move no usage when they lapse.
      if (r.nodes.length > 1) events.add(r.at, r, -1, 0, r.account, r.count);
      else if (r.nodes.length === 1) events.add(r.at, null, r.nodes[0], r.counts[0], r.account, r.count);
      else events.add(r.at, null, -1, 0, r.account, r.count);
    }
    book.overflow = ledger.kinds.get(kind)?.overflow ?? 0;
    simulateKind(pool.free.slice(), events, lanes, waiting, book, state.now, etas);
  }
  return etas;
}

/** 0 when the lane's next job is allowed by quota now, 1 on the team's hard limit, 2 on the cohort. */
function quotaBlock(book: SimBook, a: TeamAccount, count: number): 0 | 1 | 2 {
  const q = a.quota;
  const used = book.teamUsed[a.id];
  if (used + count <= q.guaranteed) return 0;
  if (used + count > q.guaranteed + q.borrowingLimit) return 1;
  const c = a.cohort;
  const cu = book.cohortUsed[c.id];
  const grow = Math.max(0, cu + count - c.guarantee) - Math.max(0, cu - c.guarantee);
  return book.overflow + grow > a.totals.spare ? 2 : 0;
}

function charge(book: SimBook, a: TeamAccount, delta: number): void {
  book.teamUsed[a.id] += delta;
  const c = a.cohort;
  const before = Math.max(0, book.cohortUsed[c.id] - c.guarantee);
  const after = Math.max(0, (book.cohortUsed[c.id] += delta) - c.guarantee);
  book.overflow += after - before;
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
  const byHead = new MinHeap<Lane>(lessLane);
  for (const lane of lanes) byHead.push(lane);
  let t = now;
  // Free GPUs in total: fewer than a job needs and no placement can succeed (counts are never negative).
  let freeTotal = 0;
  let negative = false;
  for (let i = 0; i < free.length; i++) {
    freeTotal += free[i];
    if (free[i] < 0) negative = true;
  }
  // Lanes blocked by quota sit out until a release could unblock them: their team's own (hard
  // limit) or their cohort's or the shared spare's (borrowing). A lane blocked on capacity stops
  // the whole kind (no backfill in the estimate).
  const blocked: Lane[] = [];
  for (;;) {
    for (let lane = byHead.peek(); lane; lane = byHead.peek()) {
      const count = need[lane.at];
      const block = quotaBlock(book, lane.account, count);
      if (block !== 0) {
        lane.hardLimit = block === 1;
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
      charge(book, lane.account, count);
      events.add(t + job.expectedRuntimeSeconds * 1000, parts, node, count, lane.account, count);
      etas[lane.at] = t;
      lane.at = after[lane.at];
      if (lane.at >= 0) byHead.push(lane);
    }
    const at = events.peekAt();
    if (at === Infinity) return;
    t = Math.max(t, at);
    const overflowBefore = book.overflow;
    const batch = ++book.batch;
    do {
      const e = events.pop();
      const parts = events.parts[e];
      if (parts) {
        // Rare (multi-node).
        for (let j = 0; j < parts.nodes.length; j++) {
          free[parts.nodes[j]] += parts.counts[j];
          freeTotal += parts.counts[j];
        }
      } else if (events.node[e] >= 0) {
        const gpus = events.gpus[e];
        free[events.node[e]] += gpus;
        freeTotal += gpus;
      }
      const account = events.account[e];
      if (account) {
        charge(book, account, -events.count[e]);
        book.teamMark[account.id] = batch;
        book.cohortMark[account.cohort.id] = batch;
      }
    } while (events.peekAt() === at);
    const spareFreed = book.overflow < overflowBefore;
    for (let i = blocked.length - 1; i >= 0; i--) {
      const lane = blocked[i];
      const a = lane.account;
      const touched =
        book.teamMark[a.id] === batch || (!lane.hardLimit && (spareFreed || book.cohortMark[a.cohort.id] === batch));
      if (!touched) continue;
      // Quota can only tighten until the next release, so a lane still blocked now stays out
      // until then (checked here rather than by queueing it again only to block it again).
      const block = quotaBlock(book, a, need[lane.at]);
      if (block !== 0) {
        lane.hardLimit = block === 1;
        continue;
      }
      byHead.push(lane);
      blocked[i] = blocked[blocked.length - 1];
      blocked.pop();
    }
  }
}

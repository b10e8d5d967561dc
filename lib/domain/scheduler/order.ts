// The order in which one pass considers waiting jobs, which is also the order shown as queue
// positions. Two sweeps: first the jobs that fit in their team's guarantee, then those that must
// borrow (so a guarantee is not first lent away and then reclaimed, as Kueue also orders). Within
// a sweep: priority class, then weighted dominant share across teams, then submission time; within
// a team and GPU kind: class, then first come first served.
import type { Ledger, TeamAccount } from './ledger';
import { accountOf, heldFrom } from './ledger';
import type { ShareBook, ShareCell, TeamShare } from './fair-share';
import { addHeldTo, shareCell, teamShare } from './fair-share';
import { MinHeap } from './heap';
import type { QueuedJob, SchedulerOptions } from './schema';
import { rankOf } from './schema';

/** A team's jobs of one GPU kind, in order; also its own entry in the heap (a lane is queued at most once at a time). */
interface Lane {
  team: string;
  kind: string;
  account: TeamAccount;
  clock: TeamClock;
  held: ShareCell;
  teamShare: TeamShare;
  jobs: QueuedJob[];
  ranks: number[];
  /** Base class rank of each job (for the guarantee test, which ignores aging). */
  baseRanks: number[];
  next: number;
  // Heap key of the lane's next job, set when it is queued.
  version: number;
  borrow: number;
  rank: number;
  share: number;
  submittedAt: number;
  id: string;
}

/** Bumped whenever the team's share rises: its queued lanes' keys are then stale. */
interface TeamClock {
  version: number;
}

export interface Ranked {
  job: QueuedJob;
  rank: number;
}

function compareRanked(a: Ranked, b: Ranked): number {
  return b.rank - a.rank || a.job.submittedAt - b.job.submittedAt || cmp(a.job.id, b.job.id);
}

/** rankOf without the array search (the same numbers, including 4 for an unknown class). */
function classRank(priority: string): number {
  switch (priority) {
    case 'critical':
      return 3;
    case 'high':
      return 2;
    case 'normal':
      return 1;
    case 'low':
      return 0;
    default:
      return 4;
  }
}

/**
 * All items in lane order: class (higher first), submission time, id, then input order. One
 * numeric sort of packed (class, submission, index) keys instead of a comparator per lane; equal
 * (class, submission) runs, which are rare, are then ordered by id. Falls back to a stable
 * comparator sort when the keys do not pack exactly.
 */
export function inLaneOrder(items: Ranked[]): Int32Array {
  const n = items.length;
  const order = new Int32Array(n);
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const t = items[i].job.submittedAt;
    const r = items[i].rank;
    if (!Number.isInteger(t) || !(r >= 0 && r <= 3 && Number.isInteger(r))) integral = false;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const span = max - min + 1;
  if (n === 0 || !integral || 4 * span * n > Number.MAX_SAFE_INTEGER) {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => compareRanked(items[a], items[b]) || a - b);
    for (let i = 0; i < n; i++) order[i] = idx[i];
    return order;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const it = items[i];
    keys[i] = ((3 - it.rank) * span + (it.job.submittedAt - min)) * n + i;
  }
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i] % n;
  // Runs with the same class and submission time: order by id (stable, so input order breaks ties).
  for (let i = 0; i < n;) {
    // Exact integer arithmetic (keys are safe integers); a division could round up.
    const group = keys[i] - (keys[i] % n);
    let j = i + 1;
    while (j < n && keys[j] - (keys[j] % n) === group) j++;
    if (j - i > 1) {
      const run = Array.from(order.subarray(i, j)).sort((a, b) => cmp(items[a].job.id, items[b].job.id) || a - b);
      for (let k = i; k < j; k++) order[k] = run[k - i];
    }
    i = j;
  }
  return order;
}

/** Priority rank after aging: one class up per `agingSeconds` waited, so nothing waits forever. */
function effectiveRank(job: QueuedJob, now: number, options: SchedulerOptions): number {
  const base = rankOf(job.priority);
  if (options.agingSeconds === null || options.agingSeconds <= 0) return base;
  const steps = Math.floor(Math.max(0, now - (job.queuedAt ?? job.submittedAt)) / (options.agingSeconds * 1000));
  return Math.min(3, base + steps);
}

/**
 * Each job with its effective rank. A function of its own so that V8's on-stack-replaced code for
 * the loop has nothing after it (compiled mid-loop, it lacked feedback for what followed and
 * bailed out there on every pass).
 */
function rankAll(queued: readonly QueuedJob[], now: number, options: SchedulerOptions): Ranked[] {
  const items: Ranked[] = new Array(queued.length);
  for (let i = 0; i < queued.length; i++) items[i] = { job: queued[i], rank: effectiveRank(queued[i], now, options) };
  return items;
}

export class QueueOrder {
  private readonly heap = new MinHeap<Lane>(lessLane);
  private readonly clocks = new Map<string, TeamClock>();
  private last: Lane | null = null;
  private lastRank = 0;
  /** Whether the last job raised its team's share (only then are the team's other queued keys stale). */
  private lastMoved = false;
  /** Jobs that would have to borrow, set aside in the first sweep so their lane's later jobs that fit the guarantee are not stuck behind them. */
  private deferred: Ranked[] | null = [];

  constructor(
    queued: readonly QueuedJob[],
    private readonly ledger: Ledger,
    private readonly book: ShareBook,
    now: number,
    private readonly options: SchedulerOptions,
  ) {
    const items = rankAll(queued, now, options);
    this.seed(items, inLaneOrder(items));
  }

  /**
   * Groups items into lanes (created in order of first appearance) and queues them. `sorted` is
   * the items' indices in lane order (rank, then submission, then id; ties in input order), or null when
   * every lane's items are already in that order.
   */
  private seed(items: Ranked[], sorted: Int32Array | null): void {
    // A lane per team account, found by the account's dense id rather than a two-key table;
    // counted first so each lane's arrays are allocated at their size.
    const byAccount: (Lane | undefined)[] = [];
    const all: Lane[] = [];
    const laneOf: Lane[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const { team, gpu } = items[i].job;
      const account = accountOf(this.ledger, team, gpu.kind);
      let lane = byAccount[account.id];
      if (!lane) {
        byAccount[account.id] = lane = this.newLane(team, gpu.kind, account);
        all.push(lane);
      }
      laneOf[i] = lane;
      // Counts the lane's jobs for now; reset to 0 below.
      lane.next++;
    }
    for (let i = 0; i < all.length; i++) {
      const lane = all[i];
      lane.jobs = new Array(lane.next);
      lane.ranks = new Array(lane.next);
      lane.baseRanks = new Array(lane.next);
      lane.next = 0;
    }
    // In lane order; `next` is the fill position until the lane is queued.
    for (let k = 0; k < items.length; k++) {
      const i = sorted ? sorted[k] : k;
      const item = items[i];
      const lane = laneOf[i];
      lane.jobs[lane.next] = item.job;
      lane.ranks[lane.next] = item.rank;
      lane.baseRanks[lane.next] = classRank(item.job.priority);
      lane.next++;
    }
    for (let i = 0; i < all.length; i++) {
      const lane = all[i];
      lane.next = 0;
      this.pushLane(lane);
    }
  }

  private newLane(team: string, kind: string, account: TeamAccount): Lane {
    let clock = this.clocks.get(team);
    if (!clock) this.clocks.set(team, (clock = { version: 0 }));
    return {
      team,
      kind,
      account,
      clock,
      held: shareCell(this.book, team, kind),
      teamShare: teamShare(this.book, team),
      jobs: [],
      ranks: [],
      baseRanks: [],
      next: 0,
      version: 0,
      borrow: 0,
      rank: 0,
      share: 0,
      submittedAt: 0,
      id: '',
    };
  }

  /** Effective rank of the job last returned by next(). */
  get rank(): number {
    return this.lastRank;
  }

  /** Ledger account (team and kind) of the job last returned by next(), so the pass need not look it up again. */
  get account(): TeamAccount | undefined {
    return this.last?.account;
  }

  /** The next job to consider. Call after the previous job's admission was booked in the ledger. */
  next(): QueuedJob | undefined {
    if (this.last) {
      const lane = this.last;
      this.last = null;
      // A lane's key is its team's share plus numbers of its own account, which only its own
      // jobs change; so the team's other lanes are stale only if the share moved.
      if (this.lastMoved) lane.clock.version++;
      if (lane.next < lane.jobs.length) this.pushLane(lane);
    }
    for (;;) {
      const lane = this.heap.pop();
      if (!lane) {
        // Second sweep: the borrowers, in the same order rules. Usage only grows, so none of
        // them can have come within its guarantee meanwhile.
        if (!this.deferred) return undefined;
        const items = this.deferred;
        this.deferred = null;
        // Set aside lane by lane in lane order, so already in order.
        this.seed(items, null);
        continue;
      }
      // Keys only grow during a pass (holdings and usage only grow), so a stale entry is
      // re-keyed and pushed back rather than trusted.
      if (lane.version !== lane.clock.version) {
        this.pushLane(lane);
        continue;
      }
      this.lastRank = lane.ranks[lane.next];
      const job = lane.jobs[lane.next++];
      // Counted as held for ordering even if it ends up waiting, so teams interleave fairly in
      // the positions shown to users.
      const shareBefore = lane.teamShare.share;
      addHeldTo(lane.held, job.gpu.count);
      this.lastMoved = lane.teamShare.share !== shareBefore;
      this.last = lane;
      return job;
    }
  }

  /** Queues the lane's next job; in the first sweep, jobs that must borrow are set aside on the way. */
  private pushLane(lane: Lane): void {
    const acc = lane.account;
    const inTeam = this.options.preemptLowerPriorityInTeam;
    while (lane.next < lane.jobs.length) {
      const job = lane.jobs[lane.next];
      // Same notion as reclaiming: within the guarantee counting the team's jobs of this priority or higher.
      const borrow =
        heldFrom(acc, inTeam ? lane.baseRanks[lane.next] : 0) + job.gpu.count > acc.quota.guaranteed ? 1 : 0;
      if (!borrow || !this.deferred) {
        lane.version = lane.clock.version;
        lane.borrow = borrow;
        lane.rank = lane.ranks[lane.next];
        lane.share = lane.teamShare.share;
        lane.submittedAt = job.submittedAt;
        lane.id = job.id;
        this.heap.push(lane);
        return;
      }
      this.deferred.push({ job, rank: lane.ranks[lane.next] });
      lane.next++;
    }
  }
}

function lessLane(a: Lane, b: Lane): boolean {
  if (a.borrow !== b.borrow) return a.borrow < b.borrow;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.share !== b.share) return a.share < b.share;
  if (a.submittedAt !== b.submittedAt) return a.submittedAt < b.submittedAt;
  return cmp(a.id, b.id) < 0;
}

/**
 * Job ids in id order: shorter first, then by text. Gantry's ids count up ("9" before "10"), so
 * jobs submitted in the same instant (one batch shares its transaction's clock) keep their
 * submission order; a plain text comparison would put "10" before "8".
 */
export function cmp(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

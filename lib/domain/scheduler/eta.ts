// ETAs by simulating forward: running jobs (and jobs admitted in this pass) end when expected,
// and waiting jobs start in queue order as GPUs and quota allow. A job blocked on capacity blocks
// the jobs behind it for its GPU kind (no backfill in the estimate, so ETAs lean late rather than
// early); a job blocked on its team's quota blocks only its team until the team's jobs end.
//
// One simulation per GPU kind covers every waiting job of that kind. Kinds do not interact (quota
// and cohort accounts are per kind), so each works on its own copy of the few numbers it changes:
// per-account arrays indexed by the ledger's dense account ids, not a cloned ledger.
import type { Allocation } from './capacity';
import { bestFit, placeJob } from './capacity';
import type { PassState, WaitDraft } from './admit';
import { MinHeap } from './heap';
import type { TeamAccount } from './ledger';
import { accountOf } from './ledger';
import type { QueuedJob } from './schema';
import { rankOf } from './schema';

interface Pending {
  jobs: QueuedJob[];
  positions: number[];
}

interface Lane {
  jobs: QueuedJob[];
  /** GPUs each job needs (read again and again while the lane waits). */
  counts: number[];
  positions: number[];
  next: number;
  account: TeamAccount;
  /** While blocked: on the team's hard limit (only its own releases help) rather than on borrowing. */
  hardLimit: boolean;
}

interface SimEvent {
  at: number;
  /** Where the GPUs come back: `gpus` on one node (`node`, -1 for none) or, across nodes, `parts`. */
  parts: Allocation | null;
  node: number;
  gpus: number;
  account: TeamAccount | undefined;
  classRank: number;
  count: number;
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
 * Events by time, the keys kept apart from the events so sifting compares plain numbers. Events
 * at the same instant are applied together, so their order among themselves does not matter.
 */
class EventQueue {
  private ats: number[] = [];
  private items: SimEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Time of the next event (Infinity when none). */
  peekAt(): number {
    return this.items.length > 0 ? this.ats[0] : Infinity;
  }

  push(e: SimEvent): void {
    const ats = this.ats;
    const items = this.items;
    const at = e.at;
    let i = items.length;
    ats.push(at);
    items.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(at < ats[p])) break;
      ats[i] = ats[p];
      items[i] = items[p];
      i = p;
    }
    ats[i] = at;
    items[i] = e;
  }

  pop(): SimEvent | undefined {
    const ats = this.ats;
    const items = this.items;
    const n = items.length - 1;
    if (n < 0) return undefined;
    const top = items[0];
    const lastAt = ats.pop()!;
    const last = items.pop()!;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && ats[r] < ats[l] ? r : l;
        if (!(ats[m] < lastAt)) break;
        ats[i] = ats[m];
        items[i] = items[m];
        i = m;
      }
      ats[i] = lastAt;
      items[i] = last;
    }
    return top;
  }
}
const lessLane = (a: Lane, b: Lane): boolean => a.positions[a.next] < b.positions[b.next];

/** Expected start of each draft, by its position in `drafts` (NaN where not simulated or never starting). */
export function estimateStarts(state: PassState, drafts: WaitDraft[]): Float64Array {
  const byKind = new Map<string, Pending>();
  for (let position = 0; position < drafts.length; position++) {
    const d = drafts[position];
    // Fixed ETAs (reservations, reclaims) and never-starting jobs are not simulated.
    if (d.fixedEta !== null) continue;
    let list = byKind.get(d.job.gpu.kind);
    if (!list) byKind.set(d.job.gpu.kind, (list = { jobs: [], positions: [] }));
    list.jobs.push(d.job);
    list.positions.push(position);
  }
  const etas = new Float64Array(drafts.length).fill(NaN);
  if (byKind.size === 0) return etas;
  const { ledger } = state;
  // Resolve every account the simulations touch before sizing the arrays.
  const events = new Map<string, SimEvent[]>();
  for (const [kind, releases] of state.releases) {
    if (!byKind.has(kind)) continue;
    const list: SimEvent[] = [];
    for (const r of releases) {
      if (r.cancelled) continue;
      const charged = r.team !== undefined && r.classRank !== undefined && !!r.count;
      const account = charged ? (r.account ?? accountOf(ledger, r.team!, kind)) : undefined;
      const event: SimEvent = { at: r.at, parts: null, node: -1, gpus: 0, account, classRank: r.classRank ?? 0, count: r.count ?? 0 };
      if (r.parts.size > 1) event.parts = r.parts;
      else for (const [i, c] of r.parts) (event.node = i), (event.gpus = c);
      list.push(event);
    }
    events.set(kind, list);
  }
  const lanesByKind = new Map<string, Lane[]>();
  for (const [kind, pending] of byKind) {
    const lanes = new Map<string, Lane>();
    for (let i = 0; i < pending.jobs.length; i++) {
      const job = pending.jobs[i];
      let lane = lanes.get(job.team);
      if (!lane) lanes.set(job.team, (lane = { jobs: [], counts: [], positions: [], next: 0, account: accountOf(ledger, job.team, kind), hardLimit: false }));
      lane.jobs.push(job);
      lane.counts.push(job.gpu.count);
      lane.positions.push(pending.positions[i]);
    }
    lanesByKind.set(kind, [...lanes.values()]);
  }
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
  for (const [kind, lanes] of lanesByKind) {
    const pool = state.pools.get(kind);
    if (!pool) continue;
    book.overflow = ledger.kinds.get(kind)?.overflow ?? 0;
    simulateKind([...pool.free], events.get(kind) ?? [], lanes, book, state.now, etas);
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

function simulateKind(free: number[], releases: SimEvent[], lanes: Lane[], book: SimBook, now: number, etas: Float64Array): void {
  const events = new EventQueue();
  for (const r of releases) events.push(r);
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
      const count = lane.counts[lane.next];
      const block = quotaBlock(book, lane.account, count);
      if (block !== 0) {
        lane.hardLimit = block === 1;
        blocked.push(byHead.pop()!);
        continue;
      }
      // placeJob's choice, without building an Allocation for the usual one-node case.
      if (freeTotal < count && !negative) break;
      const node = bestFit(free, count);
      const job = lane.jobs[lane.next];
      let parts: Allocation | null = null;
      if (node >= 0) {
        free[node] -= count;
      } else {
        if (job.singleNode) break;
        parts = placeJob(free, count, false);
        if (!parts) break;
        for (const [i, c] of parts) free[i] -= c;
      }
      freeTotal -= count;
      byHead.pop();
      charge(book, lane.account, count);
      events.push({ at: t + job.expectedRuntimeSeconds * 1000, parts, node, gpus: count, account: lane.account, classRank: rankOf(job.priority), count });
      etas[lane.positions[lane.next]] = t;
      if (++lane.next < lane.jobs.length) byHead.push(lane);
    }
    const first = events.pop();
    if (!first) return;
    t = Math.max(t, first.at);
    const overflowBefore = book.overflow;
    const batch = ++book.batch;
    for (let e: SimEvent | undefined = first; e; e = events.peekAt() === first.at ? events.pop() : undefined) {
      if (e.parts) {
        for (const [i, c] of e.parts) {
          free[i] += c;
          freeTotal += c;
        }
      } else if (e.node >= 0) {
        free[e.node] += e.gpus;
        freeTotal += e.gpus;
      }
      if (e.account) {
        charge(book, e.account, -e.count);
        book.teamMark[e.account.id] = batch;
        book.cohortMark[e.account.cohort.id] = batch;
      }
    }
    const spareFreed = book.overflow < overflowBefore;
    for (let i = blocked.length - 1; i >= 0; i--) {
      const lane = blocked[i];
      const a = lane.account;
      const touched = book.teamMark[a.id] === batch || (!lane.hardLimit && (spareFreed || book.cohortMark[a.cohort.id] === batch));
      if (!touched) continue;
      // Quota can only tighten until the next release, so a lane still blocked now stays out
      // until then (checked here rather than by queueing it again only to block it again).
      const block = quotaBlock(book, a, lane.counts[lane.next]);
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

// One admission pass: a pure function from a snapshot to decisions. See README.md for the policy
// in plain words. Nothing here reads a clock or does I/O; `snapshot.now` is the only time.
import type { Allocation, KindPool, Release } from './capacity';
import { buildPools, findEarliestStart, placeJob, releaseOf, sumFree, toPlacements } from './capacity';
import type { AdmitDecision, Decision, PreemptDecision, Reservation, WaitDecision } from './decisions';
import { estimateStarts } from './eta';
import { buildShareBook } from './fair-share';
import type { Ledger, TeamAccount } from './ledger';
import { accountOf, budgetLeftOf, buildLedger, chargeAccount, checkAccount, heldFrom } from './ledger';
import * as say from './messages';
import type { WaitDetail } from './messages';
import { QueueOrder } from './order';
import type { QueuedJob, RunningJob, SchedulerOptions, Snapshot } from './schema';
import { rankOf, resolveOptions } from './schema';
import type { RunningView } from './victims';
import { selectVictims, sortVictims } from './victims';

/** The line-up for one GPU kind once a job could not start: EASY backfill's reservation. */
interface Head {
  job: QueuedJob;
  rank: number;
  startAt: number;
  alloc: Allocation;
  /** Per node: GPUs free at startAt beyond what the head needs; backfill that outlives startAt may use only these. */
  extra: number[];
  scratch: number[];
  /** The pool version `scratch` was computed at (-1: never). */
  scratchAt: number;
}

export interface PassState {
  now: number;
  options: SchedulerOptions;
  pools: Map<string, KindPool>;
  ledger: Ledger;
  releases: Map<string, Release[]>;
  views: Map<string, RunningView[]>;
  heads: Map<string, Head>;
}

/** A waiting job before positions and ETA are known. */
export interface WaitDraft {
  job: QueuedJob;
  detail: WaitDetail;
  /** Known start (reservation, reclaim deadline) or null to be simulated, undefined for never. */
  fixedEta?: number | null;
  reservation?: Reservation;
  /** The team's account for the kind, where the pass already looked it up (the ETA simulation's lane). */
  account?: TeamAccount;
}

export function decideAdmissions(snapshot: Snapshot, options: Partial<SchedulerOptions> = {}): Decision[] {
  const opts = resolveOptions(options);
  const state = buildPassState(snapshot, opts);
  const book = buildShareBook(snapshot, (k) => state.pools.get(k)?.totalCapacity ?? 0, opts.usageHalfLifeSeconds);
  const order = new QueueOrder(snapshot.queued, state.ledger, book, snapshot.now, opts);
  const decisions: Decision[] = [];
  const waits = considerAll(state, order, decisions);
  finishWaits(state, waits, decisions);
  return decisions;
}

/**
 * Every waiting job in queue order; admissions and preemptions go to `decisions`, the rest come
 * back as drafts. Its own function so that V8's on-stack-replaced code for this hot loop has
 * nothing after it: compiled mid-loop, it had no call feedback for what followed the loop and
 * bailed out there, pass after pass.
 */
function considerAll(state: PassState, order: QueueOrder, decisions: Decision[]): WaitDraft[] {
  const waits: WaitDraft[] = [];
  for (let job = order.next(); job; job = order.next()) {
    const outcome = considerJob(state, job, order.rank, order.account, decisions);
    if (outcome) waits.push(outcome);
  }
  return waits;
}

function buildPassState(snapshot: Snapshot, options: SchedulerOptions): PassState {
  const pools = buildPools(snapshot.nodes);
  const ledger = buildLedger(snapshot, (k) => pools.get(k)?.totalCapacity ?? 0);
  const state: PassState = {
    now: snapshot.now,
    options,
    pools,
    ledger,
    releases: new Map(),
    views: new Map(),
    heads: new Map(),
  };
  const running = snapshot.running;
  for (let k = 0; k < running.length; k++) {
    const r = running[k];
    const kind = r.gpu.kind;
    const pool = pools.get(kind);
    // Per-node counts as parallel arrays in order of first appearance. One placement is the usual
    // case: exact one-element arrays, since a push onto an empty array reserves room for 17.
    let nodes: number[];
    let counts: number[];
    const only = r.placements.length === 1 && pool ? pool.index.get(r.placements[0].node) : undefined;
    if (only !== undefined) {
      nodes = [only];
      counts = [r.placements[0].count];
    } else {
      ({ nodes, counts } = mergePlacements(pool, r));
    }
    const acc = accountOf(ledger, r.team, kind);
    const rank = rankOf(r.priority);
    const release: Release = {
      at: expectedRelease(r, snapshot.now),
      nodes,
      counts,
      account: acc,
      count: r.gpu.count,
      cancelled: false,
    };
    listFor(state.releases, kind).push(release);
    const view: RunningView = {
      job: r,
      rank,
      count: r.gpu.count,
      release,
      stopping: !!r.preemption,
      claimed: false,
      account: acc,
      nodes,
      counts,
    };
    listFor(state.views, kind).push(view);
    if (r.preemption) acc.stopping += r.gpu.count;
  }
  for (const views of state.views.values()) sortVictims(views);
  return state;
}

/** A running job's placements on known nodes, summed per node, in order of first appearance. */
function mergePlacements(pool: KindPool | undefined, r: RunningJob): { nodes: number[]; counts: number[] } {
  const nodes: number[] = [];
  const counts: number[] = [];
  for (let j = 0; pool && j < r.placements.length; j++) {
    const i = pool.index.get(r.placements[j].node);
    if (i === undefined) continue;
    const at = nodes.indexOf(i);
    if (at >= 0) counts[at] += r.placements[j].count;
    else {
      nodes.push(i);
      counts.push(r.placements[j].count);
    }
  }
  return { nodes, counts };
}

/** When a running job's GPUs come back: its expected end, its hard stop if overdue, or its grace deadline. */
export function expectedRelease(r: RunningJob, now: number): number {
  let end = r.expectedEndAt;
  if (end <= now) end = r.maxRuntimeSeconds ? Math.max(now, r.startedAt + r.maxRuntimeSeconds * 1000) : now;
  if (r.preemption) end = Math.min(end, Math.max(now, r.preemption.graceDeadline));
  return end;
}

function considerJob(
  state: PassState,
  job: QueuedJob,
  rank: number,
  account: TeamAccount | undefined,
  decisions: Decision[],
): WaitDraft | null {
  const { ledger, now } = state;
  const kind = job.gpu.kind;
  const n = job.gpu.count;
  const pool = state.pools.get(kind);
  if (!pool) return never(job, say.noSuchKind(kind));
  if (n > pool.totalCapacity) return never(job, say.largerThanCluster(kind, n, pool.totalCapacity));
  if (job.singleNode && n > pool.maxNodeCapacity) return never(job, say.largerThanNode(kind, n, pool.maxNodeCapacity));
  const acc = account ?? accountOf(ledger, job.team, kind);
  const q = acc.quota;
  if (n > q.guaranteed + q.borrowingLimit) return never(job, say.aboveTeamLimit(job.team, kind, n, q));
  // The most a team could ever hold by borrowing: its cohort's guarantees plus capacity nobody is guaranteed.
  const reachable = Math.max(
    q.guaranteed,
    Math.min(q.guaranteed + q.borrowingLimit, acc.cohort.guarantee + acc.totals.spare),
  );
  if (n > reachable) return never(job, say.aboveCohortReach(job.team, acc.cohort.name, kind, n, reachable));

  const needHours = (n * job.expectedRuntimeSeconds) / 3600;
  const left = budgetLeftOf(acc);
  if (left !== null && q.weeklyGpuHours !== null) {
    if (needHours > q.weeklyGpuHours)
      return never(job, say.aboveWeeklyBudget(job.team, kind, needHours, q.weeklyGpuHours));
    if (needHours > left) {
      const used = q.weeklyGpuHours - left;
      return {
        job,
        fixedEta: undefined,
        account: acc,
        detail: { reason: 'BUDGET_EXHAUSTED', team: job.team, kind, used, weekly: q.weeklyGpuHours, need: needHours },
      };
    }
  }

  const quota = checkAccount(acc, n);
  const reclaimable = mayReclaim(state, job, acc);
  if (!quota.ok && !reclaimable) {
    const used = acc.usage[4];
    if (quota.reason === 'QUOTA_EXHAUSTED') {
      return {
        job,
        fixedEta: null,
        account: acc,
        detail: { reason: 'QUOTA_EXHAUSTED', team: job.team, kind, used, quota: q, count: n },
      };
    }
    const cohort = acc.cohort.name;
    return {
      job,
      fixedEta: null,
      account: acc,
      detail: {
        reason: 'COHORT_EXHAUSTED',
        team: job.team,
        cohort,
        kind,
        used,
        quota: q,
        lendable: quota.lendable,
        count: n,
      },
    };
  }

  const head = state.heads.get(kind);
  if (quota.ok) {
    const endsBy = now + job.maxRuntimeSeconds * 1000;
    const beforeHead = !head || endsBy <= head.startAt;
    // Past the head's start, a backfilled job may only use GPUs the head will not need then.
    const avail = beforeHead ? pool.free : allowance(pool, head);
    const alloc = placeJob(avail, n, job.singleNode);
    if (alloc) {
      if (head && !beforeHead) {
        alloc.forEach((c, i) => (head.extra[i] -= c));
        head.scratchAt = -1;
      }
      decisions.push(admit(state, job, acc, pool, alloc, quota.borrowed, !!head));
      return null;
    }
  }
  // Once a kind has a head, later jobs only backfill: reclaiming for them could take GPUs the
  // head was promised.
  if (!head && reclaimable) {
    const draft = reclaim(state, job, acc, pool, quota.ok, decisions);
    if (draft) return draft;
  }
  if (!quota.ok) {
    // Allowed only by stopping its own lower-priority jobs, and that was not possible now.
    const used = acc.usage[4];
    return {
      job,
      fixedEta: null,
      account: acc,
      detail: { reason: 'QUOTA_EXHAUSTED', team: job.team, kind, used, quota: q, count: n },
    };
  }
  if (head) {
    if (placeJob(pool.free, n, job.singleNode)) {
      return {
        job,
        fixedEta: null,
        account: acc,
        detail: { reason: head.rank > rank ? 'PRIORITY' : 'RESERVED_FOR_HEAD', head: head.job, startAt: head.startAt },
      };
    }
    return blockedByCapacity(job, acc, pool, undefined);
  }
  const earliest = findEarliestStart(pool.free, state.releases.get(kind) ?? [], n, job.singleNode, now);
  let reservation: Reservation | undefined;
  if (earliest) {
    const extra = earliest.freeAt.map((f, i) => f - (earliest.alloc.get(i) ?? 0));
    state.heads.set(kind, {
      job,
      rank,
      startAt: earliest.startAt,
      alloc: earliest.alloc,
      extra,
      scratch: extra.slice(),
      scratchAt: -1,
    });
    reservation = { startAt: earliest.startAt, placements: toPlacements(pool, earliest.alloc) };
  } else {
    // Nothing running will ever free enough (e.g. GPUs held outside Gantry): block nobody.
    state.heads.delete(kind);
  }
  return blockedByCapacity(job, acc, pool, reservation);
}

/**
 * Per node, GPUs free now that the head will not need at its start (one scratch array per kind,
 * recomputed only after `free` or the head's spare GPUs changed).
 */
function allowance(pool: KindPool, head: Head): number[] {
  const out = head.scratch;
  if (head.scratchAt === pool.version) return out;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(pool.free[i], head.extra[i]);
  head.scratchAt = pool.version;
  return out;
}

function never(job: QueuedJob, text: string): WaitDraft {
  return { job, fixedEta: undefined, detail: { reason: 'NEVER_FITS', text } };
}

function blockedByCapacity(
  job: QueuedJob,
  account: TeamAccount,
  pool: KindPool,
  reservation: Reservation | undefined,
): WaitDraft {
  const free = sumFree(pool.free);
  const n = job.gpu.count;
  const kind = job.gpu.kind;
  const fixedEta = reservation ? reservation.startAt : null;
  if (job.singleNode && free >= n) {
    let maxOnNode = 0;
    for (let i = 0; i < pool.free.length; i++) if (pool.free[i] > maxOnNode) maxOnNode = pool.free[i];
    return { job, fixedEta, reservation, account, detail: { reason: 'FRAGMENTED', kind, free, maxOnNode, count: n } };
  }
  return {
    job,
    fixedEta,
    reservation,
    account,
    detail: { reason: 'CAPACITY', kind, free, total: pool.totalCapacity, count: n },
  };
}

/**
 * Whether the job may make others stop for it: it fits in its team's guarantee counting only the
 * team's jobs of its own priority or higher (or all of them, when in-team preemption is off).
 */
function mayReclaim(state: PassState, job: QueuedJob, acc: TeamAccount): boolean {
  const minRank = state.options.preemptLowerPriorityInTeam ? rankOf(job.priority) : 0;
  return heldFrom(acc, minRank) + job.gpu.count <= acc.quota.guaranteed;
}

function admit(
  state: PassState,
  job: QueuedJob,
  acc: TeamAccount,
  pool: KindPool,
  alloc: Allocation,
  borrowed: number,
  backfill: boolean,
): AdmitDecision {
  const rank = rankOf(job.priority);
  // Map.forEach rather than for-of here and below: no iterator and entry arrays per job.
  alloc.forEach((c, i) => (pool.free[i] -= c));
  pool.version++;
  chargeAccount(acc, rank, job.gpu.count);
  acc.budgetUsed += (job.gpu.count * job.expectedRuntimeSeconds) / 3600;
  listFor(state.releases, job.gpu.kind).push(
    releaseOf(state.now + job.expectedRuntimeSeconds * 1000, alloc, job.gpu.count, acc),
  );
  return {
    type: 'admit',
    jobId: job.id,
    team: job.team,
    gpuKind: job.gpu.kind,
    placements: toPlacements(pool, alloc),
    borrowed,
    backfill,
  };
}

/**
 * The reclaim being planned, read by mayTake: one module-level function rather than a closure per
 * reclaim. `number` counts reclaims, for the per-team scratch answers on ledger accounts.
 */
const asking = { account: null as TeamAccount | null, rank: 0, inTeam: false, number: 0 };

/** Whether the victim's team would still hold more than its guarantee with `taken` more of its GPUs gone. */
function borrowing(v: RunningView, taken: number): boolean {
  const ta = v.account;
  return ta.usage[4] - ta.stopping - taken > ta.quota.guaranteed;
}

/** Eligible (see selectVictims) for the reclaim in `asking`. */
function mayTake(v: RunningView, taken: number): boolean {
  if (v.stopping) return true;
  const ta = v.account;
  if (ta === asking.account) return asking.inTeam && v.rank < asking.rank;
  if (taken > 0) return borrowing(v, taken);
  // Asked for every running job of the kind: answer once per team.
  if (ta.askedBy !== asking.number) {
    ta.askedBy = asking.number;
    ta.borrows = borrowing(v, 0);
  }
  return ta.borrows;
}

function reclaim(
  state: PassState,
  job: QueuedJob,
  acc: TeamAccount,
  pool: KindPool,
  quotaOk: boolean,
  decisions: Decision[],
): WaitDraft | null {
  const { now, options } = state;
  const kind = job.gpu.kind;
  const n = job.gpu.count;
  const q = acc.quota;
  // When only the team's own lower-priority jobs stand in the way of its quota, enough of them
  // must stop to bring the job within the guarantee.
  const ownExcess = quotaOk ? 0 : Math.max(0, acc.usage[4] + n - q.guaranteed);
  asking.account = acc;
  asking.rank = rankOf(job.priority);
  asking.inTeam = options.preemptLowerPriorityInTeam;
  asking.number++;
  const plan = selectVictims(
    pool,
    state.views.get(kind) ?? [],
    n,
    job.singleNode,
    mayTake,
    ownExcess > 0 ? { account: acc, gpus: ownExcess } : null,
  );
  asking.account = null;
  if (!plan) return null;
  const graceDeadline = now + options.graceSeconds * 1000;
  let deadline = now;
  const fromTeams = new Set<string>();
  for (const v of plan.victims) {
    if (!v.stopping) {
      decisions.push(preempt(state, v, job, graceDeadline));
      v.stopping = true;
      v.release.at = Math.min(v.release.at, graceDeadline);
      v.account.stopping += v.count;
      fromTeams.add(v.job.team);
    }
    v.claimed = true;
    deadline = Math.max(deadline, v.release.at);
  }
  holdForReclaim(state, job, pool, plan.alloc, plan.victims, deadline);
  const teams = [...fromTeams].sort();
  return {
    job,
    fixedEta: deadline,
    detail: { reason: 'RECLAIMING', team: job.team, kind, count: n, fromTeams: teams, deadline },
  };
}

/**
 * Keeps the GPUs a reclaiming job will use out of everyone else's reach: free ones are held now,
 * and victims' ones are re-promised, so the forward simulation sees them busy until the
 * reclaiming job is expected to end.
 */
function holdForReclaim(
  state: PassState,
  job: QueuedJob,
  pool: KindPool,
  alloc: Allocation,
  victims: RunningView[],
  deadline: number,
): void {
  const releases = listFor(state.releases, job.gpu.kind);
  const fromVictims = new Map<number, number>();
  alloc.forEach((c, i) => {
    const fromFree = Math.min(c, pool.free[i]);
    pool.free[i] -= fromFree;
    pool.version++;
    fromVictims.set(i, c - fromFree);
  });
  for (const v of victims) {
    v.release.cancelled = true;
    const nodes: number[] = [];
    const counts: number[] = [];
    for (let j = 0; j < v.nodes.length; j++) {
      const i = v.nodes[j];
      const c = v.counts[j];
      const used = Math.min(c, fromVictims.get(i) ?? 0);
      fromVictims.set(i, (fromVictims.get(i) ?? 0) - used);
      if (c - used > 0) {
        nodes.push(i);
        counts.push(c - used);
      }
    }
    releases.push({ at: v.release.at, nodes, counts, account: v.account, count: v.count, cancelled: false });
  }
  releases.push(releaseOf(deadline + job.expectedRuntimeSeconds * 1000, alloc));
}

function preempt(state: PassState, victim: RunningView, forJob: QueuedJob, graceDeadline: number): PreemptDecision {
  const kind = victim.job.gpu.kind;
  const ownTeam = victim.job.team === forJob.team;
  const vq = victim.account.quota;
  const used = victim.account.usage[4];
  const message = ownTeam
    ? say.preemptLowerPriority(
        forJob.team,
        kind,
        victim.count,
        vq.guaranteed,
        forJob.id,
        forJob.priority,
        graceDeadline,
      )
    : say.preemptBorrower(
        victim.job.team,
        kind,
        victim.count,
        used,
        vq.guaranteed,
        forJob.team,
        forJob.id,
        forJob.priority,
        graceDeadline,
      );
  return {
    type: 'preempt',
    jobId: victim.job.id,
    team: victim.job.team,
    gpuKind: kind,
    gpus: victim.count,
    forJobId: forJob.id,
    forTeam: forJob.team,
    forPriority: forJob.priority,
    graceDeadline,
    message,
  };
}

/** Turns the drafts into wait decisions, in queue order, appending them to `out`. */
function finishWaits(state: PassState, drafts: WaitDraft[], out: Decision[]): void {
  // Job ids are unique (database keys), so an ETA is looked up by queue position.
  const explain = state.options.explain;
  const simulated = explain ? estimateStarts(state, drafts) : null;
  const teamCount = new Map<string, number>();
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i];
    const job = d.job;
    const teamPosition = (teamCount.get(job.team) ?? 0) + 1;
    teamCount.set(job.team, teamPosition);
    const at = simulated ? simulated[i] : NaN;
    const eta = d.fixedEta === undefined ? null : (d.fixedEta ?? (at === at ? at : null));
    const decision: WaitDecision = {
      type: 'wait',
      jobId: job.id,
      team: job.team,
      gpuKind: job.gpu.kind,
      reason: d.detail.reason,
      message: explain ? say.explainWait(d.detail, eta) : '',
      teamPosition,
      overallPosition: i + 1,
      eta,
    };
    if (d.reservation) decision.reservation = d.reservation;
    out.push(decision);
  }
}

function listFor<T>(map: Map<string, T[]>, k: string): T[] {
  let list = map.get(k);
  if (!list) map.set(k, (list = []));
  return list;
}

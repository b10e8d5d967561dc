// One admission pass: a pure function from a snapshot to decisions. See README.md for the policy
// in plain words. Nothing here reads a clock or does I/O; `snapshot.now` is the only time.
import type { Allocation, KindPool } from './capacity';
import { findEarliestStart, placeJob, releaseOf, sumFree, toPlacements } from './capacity';
import type { AdmitDecision, Decision, Reservation, WaitDecision } from './decisions';
import { estimateStarts } from './eta';
import { buildShareBook } from './fair-share';
import type { QuotaCheck, TeamAccount } from './ledger';
import { accountOf, budgetLeftOf, chargeAccount, checkAccount } from './ledger';
import * as say from './messages';
import { QueueOrder } from './order';
import type { Head, PassState, WaitDraft } from './pass';
import { buildPassState, listFor } from './pass';
import { mayReclaim, reclaim } from './reclaim';
import type { QueuedJob, SchedulerOptions, Snapshot } from './schema';
import { rankOf, resolveOptions } from './schema';

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

/** One waiting job: admitted or reclaimed for (into `decisions`; null or a RECLAIMING draft back), or why it waits. */
function considerJob(
  state: PassState,
  job: QueuedJob,
  rank: number,
  account: TeamAccount | undefined,
  decisions: Decision[],
): WaitDraft | null {
  const kind = job.gpu.kind;
  const pool = state.pools.get(kind);
  if (!pool) return never(job, say.noSuchKind(kind));
  const tooLarge = largerThanPool(job, pool);
  if (tooLarge) return tooLarge;
  const acc = account ?? accountOf(state.ledger, job.team, kind);
  const beyond = beyondQuota(job, acc);
  if (beyond) return beyond;

  const quota = checkAccount(acc, job.gpu.count);
  const reclaimable = mayReclaim(state, job, acc);
  if (!quota.ok && !reclaimable) return quotaWait(job, acc, quota);
  const head = state.heads.get(kind);
  if (quota.ok && tryAdmit(state, job, acc, pool, head, quota.borrowed, decisions)) return null;
  // Once a kind has a head, later jobs only backfill: reclaiming for them could take GPUs the
  // head was promised.
  if (!head && reclaimable) {
    const draft = reclaim(state, job, acc, pool, quota.ok, decisions);
    if (draft) return draft;
  }
  // Allowed only by stopping its own lower-priority jobs, and that was not possible now.
  if (!quota.ok) return quotaExhausted(job, acc);
  return head ? behindHead(job, rank, acc, pool, head) : reserveHead(state, job, rank, acc, pool);
}

function never(job: QueuedJob, text: string): WaitDraft {
  return { job, fixedEta: undefined, detail: { reason: 'NEVER_FITS', text } };
}

/** NEVER_FITS when the job is larger than the cluster's GPUs of its kind, or than any node. */
function largerThanPool(job: QueuedJob, pool: KindPool): WaitDraft | null {
  const { kind, count: n } = job.gpu;
  if (n > pool.totalCapacity) return never(job, say.largerThanCluster(kind, n, pool.totalCapacity));
  if (job.singleNode && n > pool.maxNodeCapacity) return never(job, say.largerThanNode(kind, n, pool.maxNodeCapacity));
  return null;
}

/** NEVER_FITS on the team's limits or weekly budget, or BUDGET_EXHAUSTED on what is left of it. */
function beyondQuota(job: QueuedJob, acc: TeamAccount): WaitDraft | null {
  const { kind, count: n } = job.gpu;
  const q = acc.quota;
  if (n > q.guaranteed + q.borrowingLimit) return never(job, say.aboveTeamLimit(job.team, kind, n, q));
  // The most a team could ever hold by borrowing: its cohort's guarantees plus capacity nobody is guaranteed.
  const reachable = Math.max(
    q.guaranteed,
    Math.min(q.guaranteed + q.borrowingLimit, acc.cohort.guarantee + acc.totals.spare),
  );
  if (n > reachable) return never(job, say.aboveCohortReach(job.team, acc.cohort.name, kind, n, reachable));
  const left = budgetLeftOf(acc);
  if (left === null || q.weeklyGpuHours === null) return null;
  const need = (n * job.expectedRuntimeSeconds) / 3600;
  if (need > q.weeklyGpuHours) return never(job, say.aboveWeeklyBudget(job.team, kind, need, q.weeklyGpuHours));
  if (!(need > left)) return null;
  const detail = {
    reason: 'BUDGET_EXHAUSTED',
    team: job.team,
    kind,
    used: q.weeklyGpuHours - left,
    weekly: q.weeklyGpuHours,
    need,
  } as const;
  return { job, fixedEta: undefined, account: acc, detail };
}

/** Quota refuses the job and it may not reclaim: at its team's limit, or its cohort has nothing to lend. */
function quotaWait(job: QueuedJob, acc: TeamAccount, quota: Extract<QuotaCheck, { ok: false }>): WaitDraft {
  if (quota.reason === 'QUOTA_EXHAUSTED') return quotaExhausted(job, acc);
  const { kind, count } = job.gpu;
  return {
    job,
    fixedEta: null,
    account: acc,
    detail: {
      reason: 'COHORT_EXHAUSTED',
      team: job.team,
      cohort: acc.cohort.name,
      kind,
      used: acc.usage,
      quota: acc.quota,
      lendable: quota.lendable,
      count,
    },
  };
}

function quotaExhausted(job: QueuedJob, acc: TeamAccount): WaitDraft {
  const { kind, count } = job.gpu;
  const detail = { reason: 'QUOTA_EXHAUSTED', team: job.team, kind, used: acc.usage, quota: acc.quota, count } as const;
  return { job, fixedEta: null, account: acc, detail };
}

/** Admits the job if it fits now; past the head's start, only on GPUs the head will not need then. */
function tryAdmit(
  state: PassState,
  job: QueuedJob,
  acc: TeamAccount,
  pool: KindPool,
  head: Head | undefined,
  borrowed: number,
  decisions: Decision[],
): boolean {
  const endsBy = state.now + job.maxRuntimeSeconds * 1000;
  const beforeHead = !head || endsBy <= head.startAt;
  const avail = beforeHead ? pool.free : allowance(pool, head);
  const alloc = placeJob(avail, job.gpu.count, job.singleNode);
  if (!alloc) return false;
  if (head && !beforeHead) {
    alloc.forEach((c, i) => (head.extra[i] -= c));
    head.scratchAt = -1;
  }
  decisions.push(admit(state, job, acc, pool, alloc, borrowed, !!head));
  return true;
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

/** The kind has a head: the job fits now but the GPUs are held for it, or does not fit at all. */
function behindHead(job: QueuedJob, rank: number, acc: TeamAccount, pool: KindPool, head: Head): WaitDraft {
  if (!placeJob(pool.free, job.gpu.count, job.singleNode)) return blockedByCapacity(job, acc, pool, undefined);
  const reason = head.rank > rank ? 'PRIORITY' : 'RESERVED_FOR_HEAD';
  return { job, fixedEta: null, account: acc, detail: { reason, head: head.job, startAt: head.startAt } };
}

/** The first job of a kind that cannot start becomes its head, with a reservation at its earliest start. */
function reserveHead(state: PassState, job: QueuedJob, rank: number, acc: TeamAccount, pool: KindPool): WaitDraft {
  const kind = job.gpu.kind;
  const releases = state.releases.get(kind) ?? [];
  const earliest = findEarliestStart(pool.free, releases, job.gpu.count, job.singleNode, state.now);
  // Nothing running will ever free enough (e.g. GPUs held outside Gantry): no head, block nobody.
  if (!earliest) return blockedByCapacity(job, acc, pool, undefined);
  const { startAt, alloc } = earliest;
  const extra = earliest.freeAt.map((f, i) => f - (alloc.get(i) ?? 0));
  state.heads.set(kind, { job, rank, startAt, alloc, extra, scratch: extra.slice(), scratchAt: -1 });
  return blockedByCapacity(job, acc, pool, { startAt, placements: toPlacements(pool, alloc) });
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

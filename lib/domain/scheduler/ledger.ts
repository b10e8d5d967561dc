// Quota accounting: how many GPUs of each kind a team (and its cohort) holds, against its
// guarantee, its borrowing limit and its weekly GPU-hour budget.
//
// One record per team and GPU kind (and per cohort and kind), found once and then read and
// written directly: a pass consults the ledger several times for each of thousands of waiting
// jobs, and joined-key or nested-map lookups per question dominated its time.
import type { Quota, Snapshot } from './schema';
import { rankOf } from './schema';

export interface TeamQuota {
  guaranteed: number;
  borrowingLimit: number;
  weeklyGpuHours: number | null;
  usedGpuHoursThisWeek: number;
}

const NO_QUOTA: TeamQuota = { guaranteed: 0, borrowingLimit: 0, weeklyGpuHours: null, usedGpuHoursThisWeek: 0 };

/** Per GPU kind: capacity nobody is guaranteed, and how much of it cohorts use now. */
interface KindAccount {
  /** Capacity of the kind that no team is guaranteed: every cohort may borrow it. */
  spare: number;
  /** How much of `spare` the cohorts use now (sum over cohorts of usage beyond their guarantees). */
  overflow: number;
}

/** A cohort's holdings and guarantees of one kind. */
interface CohortAccount {
  name: string;
  /** Dense index among the ledger's cohort accounts (for per-pass arrays). */
  id: number;
  usage: number;
  guarantee: number;
}

/** Everything the pass asks about one team and one GPU kind. */
export interface TeamAccount {
  team: string;
  kind: string;
  /** Dense index among the ledger's team accounts (for per-pass arrays). */
  id: number;
  quota: TeamQuota;
  /** GPUs held by class rank [low, normal, high, critical, total]. */
  usage: number[];
  /** GPU-hours spent this week, including what this pass admitted. */
  budgetUsed: number;
  /** GPUs of the team already told to stop (they still count as usage until gone). */
  stopping: number;
  cohort: CohortAccount;
  totals: KindAccount;
  /** Scratch for victim planning: GPUs taken from the team in the plan being built (reset to 0 after). */
  taken: number;
  /** Scratch for one reclaim: whether the team borrows (valid while `askedBy` is that reclaim's number). */
  borrows: boolean;
  askedBy: number;
}

export interface Ledger {
  cohortOf: Map<string, string>;
  /** team -> kind -> account (created on first use; a missing one reads as zeros and no quota). */
  teams: Map<string, Map<string, TeamAccount>>;
  /** cohort -> kind -> account. */
  cohorts: Map<string, Map<string, CohortAccount>>;
  kinds: Map<string, KindAccount>;
  /** Every team account, indexed by its id. */
  accounts: TeamAccount[];
  /** Every cohort account, indexed by its id. */
  cohortAccounts: CohortAccount[];
}

export const key = (a: string, b: string): string => `${a}\u0000${b}`;

export function buildLedger(snapshot: Snapshot, capacityOf: (kind: string) => number): Ledger {
  const ledger: Ledger = {
    cohortOf: new Map(snapshot.teams.map((t) => [t.name, t.cohort])),
    teams: new Map(),
    cohorts: new Map(),
    kinds: new Map(),
    accounts: [],
    cohortAccounts: [],
  };
  const guaranteedByKind = new Map<string, number>();
  // Indexed loops in this once-per-pass setup: it runs unoptimized, where for-of allocates an
  // iterator result per element (a measurable share of a pass's garbage).
  const quotas = snapshot.quotas;
  for (let i = 0; i < quotas.length; i++) {
    const q = quotas[i];
    const acc = accountOf(ledger, q.team, q.gpuKind);
    // The last quota row for a team and kind wins; every row counts toward its cohort's guarantee.
    acc.quota = toTeamQuota(q);
    acc.budgetUsed = q.usedGpuHoursThisWeek ?? 0;
    acc.cohort.guarantee += q.guaranteed;
    guaranteedByKind.set(q.gpuKind, (guaranteedByKind.get(q.gpuKind) ?? 0) + q.guaranteed);
  }
  const kinds = new Set(guaranteedByKind.keys());
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const names = Object.keys(nodes[i].gpus);
    for (let j = 0; j < names.length; j++) kinds.add(names[j]);
  }
  kinds.forEach((kind) => {
    kindAccount(ledger, kind).spare = Math.max(0, capacityOf(kind) - (guaranteedByKind.get(kind) ?? 0));
  });
  const running = snapshot.running;
  for (let i = 0; i < running.length; i++) {
    const r = running[i];
    chargeAccount(accountOf(ledger, r.team, r.gpu.kind), rankOf(r.priority), r.gpu.count);
  }
  return ledger;
}

function toTeamQuota(q: Quota): TeamQuota {
  return {
    guaranteed: q.guaranteed,
    borrowingLimit: q.borrowingLimit,
    weeklyGpuHours: q.weeklyGpuHours ?? null,
    usedGpuHoursThisWeek: q.usedGpuHoursThisWeek ?? 0,
  };
}

function kindAccount(ledger: Ledger, kind: string): KindAccount {
  let k = ledger.kinds.get(kind);
  if (!k) ledger.kinds.set(kind, (k = { spare: 0, overflow: 0 }));
  return k;
}

function cohortAccount(ledger: Ledger, cohort: string, kind: string): CohortAccount {
  let row = ledger.cohorts.get(cohort);
  if (!row) ledger.cohorts.set(cohort, (row = new Map()));
  let c = row.get(kind);
  if (!c) {
    row.set(kind, (c = { name: cohort, id: ledger.cohortAccounts.length, usage: 0, guarantee: 0 }));
    ledger.cohortAccounts.push(c);
  }
  return c;
}

/** The team's account for a kind, created (empty, no quota) on first use. */
export function accountOf(ledger: Ledger, team: string, kind: string): TeamAccount {
  let row = ledger.teams.get(team);
  if (!row) ledger.teams.set(team, (row = new Map()));
  let acc = row.get(kind);
  if (!acc) {
    acc = {
      team,
      kind,
      id: ledger.accounts.length,
      quota: NO_QUOTA,
      usage: [0, 0, 0, 0, 0],
      budgetUsed: 0,
      stopping: 0,
      cohort: cohortAccount(ledger, cohortOfTeam(ledger, team), kind),
      totals: kindAccount(ledger, kind),
      taken: 0,
      borrows: false,
      askedBy: 0,
    };
    row.set(kind, acc);
    ledger.accounts.push(acc);
  }
  return acc;
}

function quotaOf(ledger: Ledger, team: string, kind: string): TeamQuota {
  return accountOf(ledger, team, kind).quota;
}

function cohortOfTeam(ledger: Ledger, team: string): string {
  return ledger.cohortOf.get(team) ?? team;
}

/** GPUs the team holds of the kind, counting only classes at or above `minRank`. */
export function heldFrom(acc: TeamAccount, minRank = 0): number {
  const byRank = acc.usage;
  if (minRank === 0) return byRank[4];
  let s = 0;
  for (let r = minRank; r < 4; r++) s += byRank[r];
  return s;
}

function usageOf(ledger: Ledger, team: string, kind: string, minRank = 0): number {
  return heldFrom(accountOf(ledger, team, kind), minRank);
}

/** Moves usage by `delta` GPUs (negative on release) and keeps cohort and spare totals in step. */
export function chargeAccount(acc: TeamAccount, classRank: number, delta: number): void {
  acc.usage[classRank] += delta;
  acc.usage[4] += delta;
  const c = acc.cohort;
  const before = Math.max(0, c.usage - c.guarantee);
  c.usage += delta;
  acc.totals.overflow += Math.max(0, c.usage - c.guarantee) - before;
}

function chargeUsage(ledger: Ledger, team: string, kind: string, classRank: number, delta: number): void {
  chargeAccount(accountOf(ledger, team, kind), classRank, delta);
}

export type QuotaCheck =
  | { readonly ok: true; readonly borrowed: number; readonly withinGuarantee: boolean }
  | { readonly ok: false; readonly reason: 'QUOTA_EXHAUSTED' | 'COHORT_EXHAUSTED'; readonly lendable: number };

// The two common answers, shared (read-only): a pass checks quota for every waiting job. Not
// frozen, so they keep the shapes of the answers built below and reads of them stay monomorphic.
const WITHIN_GUARANTEE: QuotaCheck = { ok: true, borrowed: 0, withinGuarantee: true };
const OVER_LIMIT: QuotaCheck = { ok: false, reason: 'QUOTA_EXHAUSTED', lendable: 0 };

/**
 * Within the guarantee a job is always allowed (the guarantee is honoured, by reclaiming if
 * needed). Beyond it, the team's borrowing limit is a hard limit, and what it borrows must come
 * from its cohort's unused guarantees or from capacity no team is guaranteed.
 */
export function checkAccount(acc: TeamAccount, count: number): QuotaCheck {
  const q = acc.quota;
  const used = acc.usage[4];
  if (used + count <= q.guaranteed) return WITHIN_GUARANTEE;
  if (used + count > q.guaranteed + q.borrowingLimit) return OVER_LIMIT;
  const c = acc.cohort;
  const grow = Math.max(0, c.usage + count - c.guarantee) - Math.max(0, c.usage - c.guarantee);
  if (acc.totals.overflow + grow > acc.totals.spare) {
    return { ok: false, reason: 'COHORT_EXHAUSTED', lendable: lendableFor(acc) };
  }
  return {
    ok: true,
    borrowed: Math.max(0, used + count - q.guaranteed) - Math.max(0, used - q.guaranteed),
    withinGuarantee: false,
  };
}

function checkQuota(ledger: Ledger, team: string, kind: string, count: number): QuotaCheck {
  return checkAccount(accountOf(ledger, team, kind), count);
}

/** GPUs the team could borrow right now: its cohort's unused guarantees plus unclaimed spare. */
function lendableFor(acc: TeamAccount): number {
  const unusedInCohort = Math.max(0, acc.cohort.guarantee - acc.cohort.usage);
  const spareLeft = Math.max(0, acc.totals.spare - acc.totals.overflow);
  return unusedInCohort + spareLeft;
}

function lendableTo(ledger: Ledger, team: string, kind: string): number {
  return lendableFor(accountOf(ledger, team, kind));
}

/** Remaining weekly budget in GPU-hours, or null when the team has none for this kind. */
export function budgetLeftOf(acc: TeamAccount): number | null {
  if (acc.quota.weeklyGpuHours === null) return null;
  return acc.quota.weeklyGpuHours - acc.budgetUsed;
}

function budgetLeft(ledger: Ledger, team: string, kind: string): number | null {
  return budgetLeftOf(accountOf(ledger, team, kind));
}

function chargeBudget(ledger: Ledger, team: string, kind: string, gpuHours: number): void {
  accountOf(ledger, team, kind).budgetUsed += gpuHours;
}

// Quota accounting: how many GPUs of each kind a team (and its cohort) holds, against its
// guarantee, its borrowing limit and its weekly GPU-hour budget.
//
// One record per team and GPU kind (and per cohort and kind), found once and then read and
// written directly: a pass consults the ledger several times for each of thousands of waiting
// jobs, and joined-key or nested-map lookups per question dominated its time.
import { PRIORITY_CLASSES } from '../terms';
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
  /** GPUs held, all classes together. */
  usage: number;
  /** GPUs held by class rank (rankOf): [low, normal, high, critical]. */
  usageByClass: number[];
  /** GPU-hours spent this week, including what this pass admitted. */
  budgetUsed: number;
  /** GPUs of the team already told to stop (they still count as usage until gone). */
  stopping: number;
  cohort: CohortAccount;
  totals: KindAccount;
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
      usage: 0,
      usageByClass: [0, 0, 0, 0],
      budgetUsed: 0,
      stopping: 0,
      cohort: cohortAccount(ledger, cohortOfTeam(ledger, team), kind),
      totals: kindAccount(ledger, kind),
    };
    row.set(kind, acc);
    ledger.accounts.push(acc);
  }
  return acc;
}

function cohortOfTeam(ledger: Ledger, team: string): string {
  return ledger.cohortOf.get(team) ?? team;
}

/** GPUs the team holds of the kind, counting only classes at or above `minRank`. */
export function heldFrom(acc: TeamAccount, minRank = 0): number {
  if (minRank === 0) return acc.usage;
  const byRank = acc.usageByClass;
  let s = 0;
  for (let r = minRank; r < PRIORITY_CLASSES.length; r++) s += byRank[r];
  return s;
}

/** Moves usage by `delta` GPUs (negative on release) and keeps cohort and spare totals in step. */
export function chargeAccount(acc: TeamAccount, classRank: number, delta: number): void {
  acc.usageByClass[classRank] += delta;
  acc.usage += delta;
  const c = acc.cohort;
  acc.totals.overflow += overflowGrowth(c, c.usage, delta);
  c.usage += delta;
}

/** How much a cohort's use beyond its guarantee (its share of the unguaranteed spare) grows when its usage moves by `delta`. */
function overflowGrowth(c: CohortAccount, usage: number, delta: number): number {
  return Math.max(0, usage + delta - c.guarantee) - Math.max(0, usage - c.guarantee);
}

/**
 * Where `count` more GPUs would put a team against its quota, worst first (Kueue's flavorassigner
 * orders its FlavorAssignmentMode the same way: NoFit < Preempt < Fit).
 */
export const QuotaFit = {
  /** Beyond the team's guarantee plus borrowing limit: only the team's own jobs ending can help. */
  OverLimit: 0,
  /** It would borrow, and neither its cohort nor capacity nobody is guaranteed has GPUs left to lend. */
  CohortExhausted: 1,
  /** Allowed by borrowing: the GPUs beyond the guarantee may be reclaimed later. */
  Borrowing: 2,
  /** Within the team's guarantee: always allowed, by reclaiming if need be. */
  WithinGuarantee: 3,
} as const;
export type QuotaFit = (typeof QuotaFit)[keyof typeof QuotaFit];

/**
 * The quota rules, on counts passed in: the pass asks them of the ledger (checkAccount), the ETA
 * simulation of its copy (fitCopy). Within the guarantee a job is always allowed. Beyond it, the
 * team's borrowing limit is a hard limit, and what it borrows must come from its cohort's unused
 * guarantees or from capacity no team is guaranteed.
 */
function fitQuota(acc: TeamAccount, count: number, used: number, cohortUsage: number, overflow: number): QuotaFit {
  const q = acc.quota;
  if (used + count <= q.guaranteed) return QuotaFit.WithinGuarantee;
  if (used + count > q.guaranteed + q.borrowingLimit) return QuotaFit.OverLimit;
  const grow = overflowGrowth(acc.cohort, cohortUsage, count);
  return overflow + grow > acc.totals.spare ? QuotaFit.CohortExhausted : QuotaFit.Borrowing;
}

export type QuotaCheck =
  | { readonly ok: true; readonly borrowed: number; readonly withinGuarantee: boolean }
  | { readonly ok: false; readonly reason: 'QUOTA_EXHAUSTED' | 'COHORT_EXHAUSTED'; readonly lendable: number };

// The two common answers, shared (read-only): a pass checks quota for every waiting job. Not
// frozen, so they keep the shapes of the answers built below and reads of them stay monomorphic.
const WITHIN_GUARANTEE: QuotaCheck = { ok: true, borrowed: 0, withinGuarantee: true };
const OVER_LIMIT: QuotaCheck = { ok: false, reason: 'QUOTA_EXHAUSTED', lendable: 0 };

/** fitQuota on the ledger's own counts, with what the pass needs to admit or explain. */
export function checkAccount(acc: TeamAccount, count: number): QuotaCheck {
  const used = acc.usage;
  const fit = fitQuota(acc, count, used, acc.cohort.usage, acc.totals.overflow);
  if (fit === QuotaFit.WithinGuarantee) return WITHIN_GUARANTEE;
  if (fit === QuotaFit.OverLimit) return OVER_LIMIT;
  if (fit === QuotaFit.CohortExhausted) return { ok: false, reason: 'COHORT_EXHAUSTED', lendable: lendableFor(acc) };
  const g = acc.quota.guaranteed;
  return { ok: true, borrowed: Math.max(0, used + count - g) - Math.max(0, used - g), withinGuarantee: false };
}

/**
 * The ledger's usage counts copied into arrays indexed by the accounts' dense ids, for a what-if
 * run (the ETA simulation) that must leave the pass's own counts alone. Arrays rather than a
 * cloned ledger: the simulation moves only these numbers. `overflow` is per kind: set it with
 * `aimCopy` before simulating a kind (kinds do not interact).
 */
export interface UsageCopy {
  team: Float64Array;
  cohort: Float64Array;
  overflow: number;
}

export function copyUsage(ledger: Ledger): UsageCopy {
  const teams = ledger.accounts;
  const cohorts = ledger.cohortAccounts;
  const copy: UsageCopy = {
    team: new Float64Array(teams.length),
    cohort: new Float64Array(cohorts.length),
    overflow: 0,
  };
  for (let i = 0; i < teams.length; i++) copy.team[i] = teams[i].usage;
  for (let i = 0; i < cohorts.length; i++) copy.cohort[i] = cohorts[i].usage;
  return copy;
}

export function aimCopy(copy: UsageCopy, ledger: Ledger, kind: string): void {
  copy.overflow = ledger.kinds.get(kind)?.overflow ?? 0;
}

/** fitQuota on a copy's counts. */
export function fitCopy(copy: UsageCopy, acc: TeamAccount, count: number): QuotaFit {
  return fitQuota(acc, count, copy.team[acc.id], copy.cohort[acc.cohort.id], copy.overflow);
}

/** chargeAccount's totals on a copy (the copy keeps no usage by class). */
export function chargeCopy(copy: UsageCopy, acc: TeamAccount, delta: number): void {
  copy.team[acc.id] += delta;
  const c = acc.cohort;
  copy.overflow += overflowGrowth(c, copy.cohort[c.id], delta);
  copy.cohort[c.id] += delta;
}

/** GPUs the team could borrow right now: its cohort's unused guarantees plus unclaimed spare. */
function lendableFor(acc: TeamAccount): number {
  const unusedInCohort = Math.max(0, acc.cohort.guarantee - acc.cohort.usage);
  const spareLeft = Math.max(0, acc.totals.spare - acc.totals.overflow);
  return unusedInCohort + spareLeft;
}

/** Remaining weekly budget in GPU-hours, or null when the team has none for this kind. */
export function budgetLeftOf(acc: TeamAccount): number | null {
  if (acc.quota.weeklyGpuHours === null) return null;
  return acc.quota.weeklyGpuHours - acc.budgetUsed;
}

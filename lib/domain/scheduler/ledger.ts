// Quota accounting: how many GPUs of each kind a team (and its cohort) holds, against its
// guarantee, its borrowing limit and its weekly GPU-hour budget.
import type { Quota, Snapshot } from './schema';
import { rankOf } from './schema';
import { Table, addTo } from './table';

export interface TeamQuota {
  guaranteed: number;
  borrowingLimit: number;
  weeklyGpuHours: number | null;
  usedGpuHoursThisWeek: number;
}

const NO_QUOTA: TeamQuota = { guaranteed: 0, borrowingLimit: 0, weeklyGpuHours: null, usedGpuHoursThisWeek: 0 };

export interface Ledger {
  quotas: Table<TeamQuota>;
  cohortOf: Map<string, string>;
  /** team x kind -> GPUs held, by class rank (low=0 ... critical=3). */
  usage: Table<number[]>;
  cohortUsage: Table<number>;
  cohortGuarantee: Table<number>;
  /** Capacity of a kind that no team is guaranteed: every cohort may borrow it. */
  spare: Map<string, number>;
  /** How much of `spare` the cohorts use now (sum over cohorts of usage beyond their guarantees). */
  overflow: Map<string, number>;
  /** team x kind -> GPU-hours spent this week, including what this pass admitted. */
  budgetUsed: Table<number>;
}

export const key = (a: string, b: string): string => `${a}\u0000${b}`;

export function buildLedger(snapshot: Snapshot, capacityOf: (kind: string) => number): Ledger {
  const cohortOf = new Map(snapshot.teams.map((t) => [t.name, t.cohort]));
  const quotas = new Table<TeamQuota>();
  const cohortGuarantee = new Table<number>();
  const guaranteedByKind = new Map<string, number>();
  const budgetUsed = new Table<number>();
  for (const q of snapshot.quotas) {
    quotas.set(q.team, q.gpuKind, toTeamQuota(q));
    const cohort = cohortOf.get(q.team) ?? q.team;
    addTo(cohortGuarantee, cohort, q.gpuKind, q.guaranteed);
    add(guaranteedByKind, q.gpuKind, q.guaranteed);
    budgetUsed.set(q.team, q.gpuKind, q.usedGpuHoursThisWeek ?? 0);
  }
  const ledger: Ledger = {
    quotas,
    cohortOf,
    usage: new Table(),
    cohortUsage: new Table(),
    cohortGuarantee,
    spare: new Map(),
    overflow: new Map(),
    budgetUsed,
  };
  for (const kind of new Set([...guaranteedByKind.keys(), ...snapshot.running.map((r) => r.gpu.kind)])) {
    ledger.spare.set(kind, Math.max(0, capacityOf(kind) - (guaranteedByKind.get(kind) ?? 0)));
  }
  for (const r of snapshot.running) chargeUsage(ledger, r.team, r.gpu.kind, rankOf(r.priority), r.gpu.count);
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

function add(map: Map<string, number>, k: string, v: number): void {
  map.set(k, (map.get(k) ?? 0) + v);
}

export function quotaOf(ledger: Ledger, team: string, kind: string): TeamQuota {
  return ledger.quotas.get(team, kind) ?? NO_QUOTA;
}

export function cohortOfTeam(ledger: Ledger, team: string): string {
  return ledger.cohortOf.get(team) ?? team;
}

export function usageOf(ledger: Ledger, team: string, kind: string, minRank = 0): number {
  const byRank = ledger.usage.get(team, kind);
  if (!byRank) return 0;
  if (minRank === 0) return byRank[4];
  let s = 0;
  for (let r = minRank; r < 4; r++) s += byRank[r];
  return s;
}

function cohortOverflow(ledger: Ledger, cohort: string, kind: string, extra: number): number {
  return Math.max(0, (ledger.cohortUsage.get(cohort, kind) ?? 0) + extra - (ledger.cohortGuarantee.get(cohort, kind) ?? 0));
}

/** Moves usage by `delta` GPUs (negative on release) and keeps cohort and spare totals in step. */
export function chargeUsage(ledger: Ledger, team: string, kind: string, classRank: number, delta: number): void {
  let byRank = ledger.usage.get(team, kind);
  // [low, normal, high, critical, total]
  if (!byRank) ledger.usage.set(team, kind, (byRank = [0, 0, 0, 0, 0]));
  byRank[classRank] += delta;
  byRank[4] += delta;
  const cohort = cohortOfTeam(ledger, team);
  const before = cohortOverflow(ledger, cohort, kind, 0);
  addTo(ledger.cohortUsage, cohort, kind, delta);
  add(ledger.overflow, kind, cohortOverflow(ledger, cohort, kind, 0) - before);
}

export type QuotaCheck =
  | { ok: true; borrowed: number; withinGuarantee: boolean }
  | { ok: false; reason: 'QUOTA_EXHAUSTED' | 'COHORT_EXHAUSTED'; lendable: number };

/**
 * Within the guarantee a job is always allowed (the guarantee is honoured, by reclaiming if
 * needed). Beyond it, the team's borrowing limit is a hard limit, and what it borrows must come
 * from its cohort's unused guarantees or from capacity no team is guaranteed.
 */
export function checkQuota(ledger: Ledger, team: string, kind: string, count: number): QuotaCheck {
  const q = quotaOf(ledger, team, kind);
  const used = usageOf(ledger, team, kind);
  if (used + count <= q.guaranteed) return { ok: true, borrowed: 0, withinGuarantee: true };
  if (used + count > q.guaranteed + q.borrowingLimit) return { ok: false, reason: 'QUOTA_EXHAUSTED', lendable: 0 };
  const cohort = cohortOfTeam(ledger, team);
  const grow = cohortOverflow(ledger, cohort, kind, count) - cohortOverflow(ledger, cohort, kind, 0);
  if ((ledger.overflow.get(kind) ?? 0) + grow > (ledger.spare.get(kind) ?? 0)) {
    return { ok: false, reason: 'COHORT_EXHAUSTED', lendable: lendableTo(ledger, team, kind) };
  }
  return { ok: true, borrowed: Math.max(0, used + count - q.guaranteed) - Math.max(0, used - q.guaranteed), withinGuarantee: false };
}

/** GPUs the team could borrow right now: its cohort's unused guarantees plus unclaimed spare. */
export function lendableTo(ledger: Ledger, team: string, kind: string): number {
  const cohort = cohortOfTeam(ledger, team);
  const unusedInCohort = Math.max(0, (ledger.cohortGuarantee.get(cohort, kind) ?? 0) - (ledger.cohortUsage.get(cohort, kind) ?? 0));
  const spareLeft = Math.max(0, (ledger.spare.get(kind) ?? 0) - (ledger.overflow.get(kind) ?? 0));
  return unusedInCohort + spareLeft;
}

/** Remaining weekly budget in GPU-hours, or null when the team has none for this kind. */
export function budgetLeft(ledger: Ledger, team: string, kind: string): number | null {
  const q = quotaOf(ledger, team, kind);
  if (q.weeklyGpuHours === null) return null;
  return q.weeklyGpuHours - (ledger.budgetUsed.get(team, kind) ?? 0);
}

export function chargeBudget(ledger: Ledger, team: string, kind: string, gpuHours: number): void {
  addTo(ledger.budgetUsed, team, kind, gpuHours);
}

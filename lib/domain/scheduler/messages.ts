// The sentences researchers read next to a waiting or preempted job. Numbers come from the same
// ledger the decision used, so the sentence never disagrees with the decision.
import { describeKind, formatGpus, formatInstant } from './gpu-kind';
import type { TeamQuota } from './ledger';
import type { QueuedJob } from './schema';

/** Why a job waits, with the numbers its sentence needs. Data, not text, until positions and ETA are known. */
export type WaitDetail =
  | { reason: 'NEVER_FITS'; text: string }
  | { reason: 'BUDGET_EXHAUSTED'; team: string; kind: string; used: number; weekly: number; need: number }
  | { reason: 'QUOTA_EXHAUSTED'; team: string; kind: string; used: number; quota: TeamQuota; count: number }
  | {
      reason: 'COHORT_EXHAUSTED';
      team: string;
      cohort: string;
      kind: string;
      used: number;
      quota: TeamQuota;
      lendable: number;
      count: number;
    }
  | { reason: 'RESERVED_FOR_HEAD' | 'PRIORITY'; head: QueuedJob; startAt: number }
  | { reason: 'FRAGMENTED'; kind: string; free: number; maxOnNode: number; count: number }
  | { reason: 'CAPACITY'; kind: string; free: number; total: number; count: number }
  | { reason: 'RECLAIMING'; team: string; kind: string; count: number; fromTeams: string[]; deadline: number };

export function explainWait(d: WaitDetail, eta: number | null): string {
  switch (d.reason) {
    case 'NEVER_FITS':
      return d.text;
    case 'BUDGET_EXHAUSTED':
      return budgetExhausted(d.team, d.kind, d.used, d.weekly, d.need);
    case 'QUOTA_EXHAUSTED':
      return quotaExhausted(d.team, d.kind, d.used, d.quota, d.count, eta);
    case 'COHORT_EXHAUSTED':
      return cohortExhausted(d.team, d.cohort, d.kind, d.used, d.quota, d.lendable, d.count, eta);
    case 'RESERVED_FOR_HEAD':
    case 'PRIORITY':
      return reservedForHead(d.head.id, d.head.team, d.head.priority, d.reason === 'PRIORITY', d.startAt, eta);
    case 'FRAGMENTED':
      return fragmented(d.kind, d.free, d.maxOnNode, d.count, eta);
    case 'CAPACITY':
      return capacity(d.kind, d.free, d.total, d.count, eta);
    case 'RECLAIMING':
      return reclaiming(d.team, d.kind, d.count, d.fromTeams, d.deadline);
  }
}

const hours = (h: number): string => (h >= 10 ? h.toFixed(0) : h.toFixed(1));

function whenText(eta: number | null): string {
  return eta === null ? 'No start time can be estimated yet.' : `Expected to start around ${formatInstant(eta)}.`;
}

export function noSuchKind(kind: string): string {
  return `No node in the cluster offers ${describeKind(kind).name}; this job can never start as submitted.`;
}

export function largerThanCluster(kind: string, count: number, total: number): string {
  return `This job asks for ${formatGpus(count, kind)} but the whole cluster has ${total}; it can never start as submitted.`;
}

export function largerThanNode(kind: string, count: number, maxNode: number): string {
  return `This job asks for ${formatGpus(count, kind)} on one node, but the largest node has ${maxNode}; allow several nodes or ask for fewer.`;
}

export function aboveTeamLimit(team: string, kind: string, count: number, q: TeamQuota): string {
  if (q.guaranteed + q.borrowingLimit === 0) {
    return `Team ${team} has no quota for ${describeKind(kind).name}; ask an admin for one.`;
  }
  return `This job asks for ${formatGpus(count, kind)} but team ${team} may hold at most ${q.guaranteed + q.borrowingLimit} (${q.guaranteed} guaranteed + ${q.borrowingLimit} borrowable); it can never start as submitted.`;
}

export function aboveCohortReach(team: string, cohort: string, kind: string, count: number, reachable: number): string {
  return `This job asks for ${formatGpus(count, kind)} but team ${team} can hold at most ${reachable} even borrowing everything cohort ${cohort} could lend; it can never start as submitted.`;
}

export function aboveWeeklyBudget(team: string, kind: string, need: number, weekly: number): string {
  return `This job needs about ${hours(need)} ${describeKind(kind).name} GPU-hours but team ${team}'s weekly budget is ${hours(weekly)}; it can never start as submitted.`;
}

function budgetExhausted(team: string, kind: string, used: number, weekly: number, need: number): string {
  return `Team ${team} has used ${hours(used)} of its ${hours(weekly)} ${describeKind(kind).name} GPU-hours this week and this job needs about ${hours(need)} more; it waits for the weekly budget to reset.`;
}

function quotaExhausted(
  team: string,
  kind: string,
  used: number,
  q: TeamQuota,
  count: number,
  eta: number | null,
): string {
  return `Team ${team} uses ${used} of its ${q.guaranteed + q.borrowingLimit} ${describeKind(kind).name} limit (${q.guaranteed} guaranteed + ${q.borrowingLimit} borrowable) and this job needs ${count} more; it starts when the team's own jobs finish. ${whenText(eta)}`;
}

function cohortExhausted(
  team: string,
  cohort: string,
  kind: string,
  used: number,
  q: TeamQuota,
  lendable: number,
  count: number,
  eta: number | null,
): string {
  const name = describeKind(kind).name;
  const lend = lendable === 0 ? 'none to lend' : `only ${lendable} to lend`;
  const uses =
    used >= q.guaranteed
      ? `uses ${used} of ${q.guaranteed} guaranteed ${name}`
      : `uses ${used} of ${q.guaranteed} guaranteed ${name}, and this job needs ${count}`;
  return `Team ${team} ${uses} and its cohort ${cohort} has ${lend}. ${whenText(eta)}`;
}

function capacity(kind: string, free: number, total: number, count: number, eta: number | null): string {
  return `${free} of ${total} ${describeKind(kind).name} ${describeKind(kind).unit}s are free and this job needs ${count}; it starts when running jobs end. ${whenText(eta)}`;
}

function fragmented(kind: string, free: number, maxOnNode: number, count: number, eta: number | null): string {
  return `${free} ${describeKind(kind).name} ${describeKind(kind).unit}s are free in total, but no single node has ${count} free (at most ${maxOnNode}); this job asked for one node. ${whenText(eta)}`;
}

function reservedForHead(
  headId: string,
  headTeam: string,
  headPriority: string,
  higher: boolean,
  startAt: number,
  eta: number | null,
): string {
  const who = higher
    ? `a ${headPriority}-priority job (${headId}, team ${headTeam})`
    : `job ${headId} of team ${headTeam}, which is ahead in line`;
  return `The free GPUs are held for ${who} that starts around ${formatInstant(startAt)}; starting this job now would delay it. ${whenText(eta)}`;
}

function reclaiming(team: string, kind: string, count: number, fromTeams: string[], deadline: number): string {
  const from = fromTeams.length === 0 ? 'jobs already stopping' : `jobs of team ${fromTeams.join(', ')}`;
  return `Team ${team} is guaranteed these ${formatGpus(count, kind)}; ${from} were asked to give them back and stop by ${formatInstant(deadline)}.`;
}

export function preemptBorrower(
  victimTeam: string,
  kind: string,
  gpus: number,
  used: number,
  guaranteed: number,
  forTeam: string,
  forJob: string,
  forPriority: string,
  deadline: number,
): string {
  return `Team ${forTeam} needs ${formatGpus(gpus, kind)} of its guarantee back for ${forPriority}-priority job ${forJob}; team ${victimTeam} was borrowing them (using ${used} of ${guaranteed} guaranteed). This job stops at ${formatInstant(deadline)} unless it finishes first; checkpoint before then.`;
}

export function preemptLowerPriority(
  team: string,
  kind: string,
  gpus: number,
  guaranteed: number,
  forJob: string,
  forPriority: string,
  deadline: number,
): string {
  return `A ${forPriority}-priority job of team ${team} (${forJob}) needs ${formatGpus(gpus, kind)} within the team's ${guaranteed} guaranteed; this lower-priority job gives them up and stops at ${formatInstant(deadline)} unless it finishes first.`;
}

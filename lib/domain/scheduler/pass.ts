// The state of one admission pass: free GPUs per kind, the ledger, what running jobs release and
// when, who could be asked to stop, each kind's head of line, and the scratch victim planning
// reuses. Built from the snapshot at the start of a pass and dropped at its end: nothing here
// outlives a pass, so two passes over one snapshot decide alike.
import type { Allocation, KindPool, Release } from './capacity';
import { buildPools } from './capacity';
import type { Reservation } from './decisions';
import type { Ledger, TeamAccount } from './ledger';
import { accountOf, buildLedger } from './ledger';
import type { WaitDetail } from './messages';
import type { QueuedJob, RunningJob, SchedulerOptions, Snapshot } from './schema';
import { rankOf } from './schema';
import type { RunningView } from './victims';
import { ReclaimRule, sortVictims, VictimScratch } from './victims';

/** The line-up for one GPU kind once a job could not start: EASY backfill's reservation. */
export interface Head {
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
  /** Victim planning's per-pool lists and per-team counts, reused by every reclaim. */
  victims: VictimScratch;
  /** Who may be asked to stop for the reclaim being planned. */
  rule: ReclaimRule;
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

export function buildPassState(snapshot: Snapshot, options: SchedulerOptions): PassState {
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
    victims: new VictimScratch(ledger.accounts),
    rule: new ReclaimRule(options.preemptLowerPriorityInTeam, ledger.accounts),
  };
  const running = snapshot.running;
  for (let k = 0; k < running.length; k++) addRunning(state, running[k]);
  for (const views of state.views.values()) sortVictims(views);
  return state;
}

/** A running job's release of its GPUs and its view as a possible victim. */
function addRunning(state: PassState, r: RunningJob): void {
  const kind = r.gpu.kind;
  const pool = state.pools.get(kind);
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
  const acc = accountOf(state.ledger, r.team, kind);
  const rank = rankOf(r.priority);
  const release: Release = {
    at: expectedRelease(r, state.now),
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

export function listFor<T>(map: Map<string, T[]>, k: string): T[] {
  let list = map.get(k);
  if (!list) map.set(k, (list = []));
  return list;
}

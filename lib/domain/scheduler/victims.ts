// Choosing whom to preempt so a job gets GPUs it is guaranteed: borrowers of other teams (and,
// optionally, the team's own lower-priority jobs), lowest priority first and, within a class,
// the most recently started first (it loses the least work). Jobs already told to stop are used
// before anyone new is asked.
import type { Allocation, KindPool } from './capacity';
import { placeJob, sumFree } from './capacity';
import type { Release } from './capacity';
import type { RunningJob } from './schema';

export interface RunningView {
  job: RunningJob;
  rank: number;
  alloc: Allocation;
  count: number;
  release: Release;
  /** Already told to stop (before or during this pass). */
  stopping: boolean;
  /** Its GPUs were already promised to a reclaiming job in this pass. */
  claimed: boolean;
}

export interface VictimPlan {
  victims: RunningView[];
  alloc: Allocation;
}

/** Whether taking `view` is allowed given the GPUs already taken from its team in this plan. */
export type Eligible = (view: RunningView, takenFromTeam: ReadonlyMap<string, number>) => boolean;

/** Preemption order: lowest priority first, then most recently started, then id. */
export function compareVictims(a: RunningView, b: RunningView): number {
  return a.rank - b.rank || b.job.startedAt - a.job.startedAt || (a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0);
}

/**
 * `sorted` is in compareVictims order (sorted once per pass). Jobs already stopping come first,
 * and jobs that are not eligible even on their own are dropped before any planning.
 */
function orderVictims(sorted: RunningView[], eligible: Eligible): RunningView[] {
  const none = new Map<string, number>();
  const stopping: RunningView[] = [];
  const others: RunningView[] = [];
  for (const v of sorted) {
    if (v.claimed || !eligible(v, none)) continue;
    (v.stopping ? stopping : others).push(v);
  }
  return stopping.concat(others);
}

export function selectVictims(
  pool: KindPool,
  /** Running jobs of the kind in compareVictims order. */
  candidates: RunningView[],
  count: number,
  singleNode: boolean,
  eligible: Eligible,
  /** An extra condition on the whole set, e.g. enough of the team's own jobs stop to fit its quota. */
  sufficient: (taken: RunningView[]) => boolean = () => true,
): VictimPlan | null {
  const ordered = orderVictims(candidates, eligible);
  if (ordered.length === 0) return null;
  const fitsNow = placeJob(pool.free, count, singleNode);
  if (fitsNow) {
    // Room exists; only the quota needs victims (the team's own lower-priority jobs).
    const chosen = takeUntil(ordered, eligible, sufficient);
    return chosen ? { victims: prune(chosen, sufficient), alloc: fitsNow } : null;
  }
  if (!singleNode) return planAcross(pool, ordered, count, eligible, sufficient);
  const byNode = new Map<number, RunningView[]>();
  for (const c of ordered) {
    for (const n of c.alloc.keys()) {
      const list = byNode.get(n) ?? [];
      list.push(c);
      byNode.set(n, list);
    }
  }
  let best: { plan: VictimPlan; score: number[] } | null = null;
  for (const [i, onNode] of [...byNode.entries()].sort((a, b) => a[0] - b[0])) {
    if (pool.capacity[i] < count) continue;
    const enough = (taken: RunningView[]) => pool.free[i] + sumOn(taken, i) >= count && sufficient(taken);
    const chosen = takeUntil(onNode, eligible, enough);
    if (!chosen) continue;
    const kept = prune(chosen, enough);
    const fresh = kept.filter((v) => !v.stopping);
    const score = [fresh.length, Math.max(-1, ...fresh.map((v) => v.rank)), sumOn(kept, i), pool.free[i] + sumOn(kept, i) - count, i];
    if (!best || lexLess(score, best.score)) best = { plan: { victims: kept, alloc: new Map([[i, count]]) }, score };
  }
  return best?.plan ?? null;
}

function planAcross(
  pool: KindPool,
  ordered: RunningView[],
  count: number,
  eligible: Eligible,
  sufficient: (taken: RunningView[]) => boolean,
): VictimPlan | null {
  const base = sumFree(pool.free);
  const enough = (taken: RunningView[]) => base + taken.reduce((s, v) => s + v.count, 0) >= count && sufficient(taken);
  const chosen = takeUntil(ordered, eligible, enough);
  if (!chosen) return null;
  const kept = prune(chosen, enough);
  const avail = [...pool.free];
  for (const v of kept) for (const [n, c] of v.alloc) avail[n] += c;
  const alloc = placeJob(avail, count, false);
  return alloc ? { victims: kept, alloc } : null;
}

function takeUntil(ordered: RunningView[], eligible: Eligible, done: (taken: RunningView[]) => boolean): RunningView[] | null {
  const taken: RunningView[] = [];
  const fromTeam = new Map<string, number>();
  if (done(taken)) return taken;
  for (const v of ordered) {
    if (!eligible(v, fromTeam)) continue;
    taken.push(v);
    fromTeam.set(v.job.team, (fromTeam.get(v.job.team) ?? 0) + v.count);
    if (done(taken)) return taken;
  }
  return null;
}

/** Drops victims that turned out unnecessary, the last chosen (most valuable) first. */
function prune(chosen: RunningView[], enough: (taken: RunningView[]) => boolean): RunningView[] {
  let kept = chosen;
  for (let i = chosen.length - 1; i >= 0; i--) {
    const without = kept.filter((v) => v !== chosen[i]);
    if (enough(without)) kept = without;
  }
  return kept;
}

function sumOn(views: RunningView[], node: number): number {
  let s = 0;
  for (const v of views) s += v.alloc.get(node) ?? 0;
  return s;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

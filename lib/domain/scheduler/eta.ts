// ETAs by simulating forward: running jobs (and jobs admitted in this pass) end when expected,
// and waiting jobs start in queue order as GPUs and quota allow. A job blocked on capacity blocks
// the jobs behind it for its GPU kind (no backfill in the estimate, so ETAs lean late rather than
// early); a job blocked on its team's quota blocks only its team until the team's jobs end.
import type { Allocation, Release } from './capacity';
import { placeJob } from './capacity';
import type { PassState, WaitDraft } from './admit';
import { MinHeap } from './heap';
import type { Ledger } from './ledger';
import { chargeUsage, checkQuota, cohortOfTeam } from './ledger';
import type { QueuedJob } from './schema';
import { rankOf } from './schema';

interface Pending {
  job: QueuedJob;
  position: number;
}

export function estimateStarts(state: PassState, drafts: WaitDraft[]): Map<string, number> {
  const byKind = new Map<string, Pending[]>();
  drafts.forEach((d, position) => {
    // Fixed ETAs (reservations, reclaims) and never-starting jobs are not simulated.
    if (d.fixedEta !== null) return;
    const list = byKind.get(d.job.gpu.kind) ?? [];
    list.push({ job: d.job, position });
    byKind.set(d.job.gpu.kind, list);
  });
  const ledger = cloneLedger(state.ledger);
  const etas = new Map<string, number>();
  for (const [kind, pending] of byKind) {
    const pool = state.pools.get(kind);
    if (!pool) continue;
    simulateKind(kind, [...pool.free], state.releases.get(kind) ?? [], pending, ledger, state.now, etas);
  }
  return etas;
}

function simulateKind(
  kind: string,
  free: number[],
  releases: readonly Release[],
  pending: Pending[],
  ledger: Ledger,
  now: number,
  etas: Map<string, number>,
): void {
  const events = new MinHeap<Release>((a, b) => a.at < b.at);
  for (const r of releases) if (!r.cancelled) events.push(r);
  const lanes = new Map<string, { jobs: Pending[]; next: number }>();
  for (const p of pending) {
    const lane = lanes.get(p.job.team) ?? { jobs: [], next: 0 };
    lane.jobs.push(p);
    lanes.set(p.job.team, lane);
  }
  type Lane = { jobs: Pending[]; next: number };
  const byHead = new MinHeap<Lane>((a, b) => a.jobs[a.next].position < b.jobs[b.next].position);
  for (const lane of lanes.values()) byHead.push(lane);
  let t = now;
  // Lanes blocked by quota sit out until a release could unblock them: their team's own (hard
  // limit) or their cohort's or the shared spare's (borrowing). A lane blocked on capacity stops
  // the whole kind (no backfill in the estimate).
  const blocked: { lane: Lane; team: string; cohort: string; hardLimit: boolean }[] = [];
  for (;;) {
    for (let lane = byHead.peek(); lane; lane = byHead.peek()) {
      const { job } = lane.jobs[lane.next];
      const quota = checkQuota(ledger, job.team, kind, job.gpu.count);
      if (!quota.ok) {
        blocked.push({ lane: byHead.pop()!, team: job.team, cohort: cohortOfTeam(ledger, job.team), hardLimit: quota.reason === 'QUOTA_EXHAUSTED' });
        continue;
      }
      const alloc: Allocation | null = placeJob(free, job.gpu.count, job.singleNode);
      if (!alloc) break;
      byHead.pop();
      for (const [i, c] of alloc) free[i] -= c;
      const rank = rankOf(job.priority);
      chargeUsage(ledger, job.team, kind, rank, job.gpu.count);
      events.push({ at: t + job.expectedRuntimeSeconds * 1000, parts: alloc, team: job.team, classRank: rank, count: job.gpu.count });
      etas.set(job.id, t);
      if (++lane.next < lane.jobs.length) byHead.push(lane);
    }
    const first = events.pop();
    if (!first) return;
    t = Math.max(t, first.at);
    const overflowBefore = ledger.overflow.get(kind) ?? 0;
    const teams = new Set<string>();
    const cohorts = new Set<string>();
    for (let e: Release | undefined = first; e; e = events.peek()?.at === first.at ? events.pop() : undefined) {
      for (const [i, c] of e.parts) free[i] += c;
      if (e.team !== undefined && e.classRank !== undefined && e.count) {
        chargeUsage(ledger, e.team, kind, e.classRank, -e.count);
        teams.add(e.team);
        cohorts.add(cohortOfTeam(ledger, e.team));
      }
    }
    const spareFreed = (ledger.overflow.get(kind) ?? 0) < overflowBefore;
    for (let i = blocked.length - 1; i >= 0; i--) {
      const b = blocked[i];
      if (b.hardLimit ? teams.has(b.team) : spareFreed || cohorts.has(b.cohort) || teams.has(b.team)) {
        byHead.push(b.lane);
        blocked.splice(i, 1);
      }
    }
  }
}

function cloneLedger(l: Ledger): Ledger {
  return {
    ...l,
    usage: l.usage.clone((v) => [...v]),
    cohortUsage: l.cohortUsage.clone(),
    overflow: new Map(l.overflow),
    budgetUsed: l.budgetUsed.clone(),
  };
}

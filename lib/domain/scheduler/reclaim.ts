// Reclaiming for a job within its guarantee that does not fit: who may be asked to stop (borrowers
// of other teams and, when allowed, the team's own lower-priority jobs), the preempt decisions
// with their sentences, and holding the GPUs for the job until the victims are gone.
import type { Allocation, KindPool } from './capacity';
import { releaseOf } from './capacity';
import type { Decision, PreemptDecision } from './decisions';
import type { TeamAccount } from './ledger';
import { heldFrom } from './ledger';
import * as say from './messages';
import type { PassState, WaitDraft } from './pass';
import { listFor } from './pass';
import type { QueuedJob } from './schema';
import { rankOf } from './schema';
import type { RunningView } from './victims';
import { selectVictims } from './victims';

/**
 * Whether the job may make others stop for it: it fits in its team's guarantee counting only the
 * team's jobs of its own priority or higher (or all of them, when in-team preemption is off).
 */
export function mayReclaim(state: PassState, job: QueuedJob, acc: TeamAccount): boolean {
  const minRank = state.options.preemptLowerPriorityInTeam ? rankOf(job.priority) : 0;
  return heldFrom(acc, minRank) + job.gpu.count <= acc.quota.guaranteed;
}

/**
 * Plans the fewest victims that make the job fit and asks them to stop (into `decisions`); the job
 * then waits RECLAIMING with its GPUs held. Null when no set of victims makes it fit.
 */
export function reclaim(
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
  // When only the team's own lower-priority jobs stand in the way of its quota, enough of them
  // must stop to bring the job within the guarantee.
  const ownExcess = quotaOk ? 0 : Math.max(0, acc.usage + n - acc.quota.guaranteed);
  state.rule.aim(acc, rankOf(job.priority));
  const plan = selectVictims(
    state.victims,
    pool,
    state.views.get(kind) ?? [],
    n,
    job.singleNode,
    state.rule,
    ownExcess > 0 ? { account: acc, gpus: ownExcess } : null,
  );
  state.rule.done();
  if (!plan) return null;
  const graceDeadline = now + options.graceSeconds * 1000;
  let deadline = now;
  const fromTeams = new Set<string>();
  for (const v of plan.victims) {
    if (!v.stopping) {
      decisions.push(preempt(v, job, graceDeadline));
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

function preempt(victim: RunningView, forJob: QueuedJob, graceDeadline: number): PreemptDecision {
  const kind = victim.job.gpu.kind;
  const vq = victim.account.quota;
  const message =
    victim.job.team === forJob.team
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
          victim.account.usage,
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

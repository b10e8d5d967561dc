// A discrete-event simulation of a cluster driven by the admission policy, in virtual time: jobs
// arrive, each pass's decisions are applied, admitted jobs run for their actual runtime, preempted
// ones stop at their grace deadline and go back to the queue. Used by property tests (no job
// starves, nothing is oversubscribed) and by the Kueue benchmark replay.
import { decideAdmissions } from './admit';
import type { Decision } from './decisions';
import { accrueUsage } from './fair-share';
import { MinHeap } from './heap';
import { key } from './ledger';
import type {
  GpuNode,
  NodePlacement,
  QueuedJob,
  Quota,
  RunningJob,
  SchedulerOptions,
  Snapshot,
  Team,
  UsageRecord,
} from './schema';
import { resolveOptions } from './schema';

export interface SimJob extends QueuedJob {
  /** How long it really runs (capped by maxRuntimeSeconds); the policy only sees the expectation. */
  actualRuntimeSeconds: number;
}

export interface SimConfig {
  nodes: GpuNode[];
  quotas: Quota[];
  teams: Team[];
  jobs: SimJob[];
  options?: Partial<SchedulerOptions>;
  /** Sees every pass: tests assert invariants here. */
  onPass?: (snapshot: Snapshot, decisions: Decision[]) => void;
  /** Safety stop for runaway simulations. */
  maxPasses?: number;
}

interface SimJobResult {
  submittedAt: number;
  firstAdmittedAt: number | null;
  admittedAt: number | null;
  finishedAt: number | null;
  preemptions: number;
}

export interface SimResult {
  jobs: Map<string, SimJobResult>;
  /** Jobs still queued or running when nothing more could happen. */
  unfinished: string[];
  endAt: number;
  passes: number;
  /** team -> GPU-milliseconds held, for utilisation figures. */
  gpuMsByTeam: Map<string, number>;
}

interface Live {
  job: SimJob;
  placements: NodePlacement[];
  startedAt: number;
  endAt: number;
  preemption?: { graceDeadline: number; forJobId: string };
  borrowed: number;
}

export function simulateCluster(config: SimConfig): SimResult {
  const options = resolveOptions(config.options);
  const maxPasses = config.maxPasses ?? 1_000_000;
  const arrivals = [...config.jobs].sort((a, b) => a.submittedAt - b.submittedAt || (a.id < b.id ? -1 : 1));
  const results = new Map<string, SimJobResult>(
    arrivals.map((j) => [
      j.id,
      { submittedAt: j.submittedAt, firstAdmittedAt: null, admittedAt: null, finishedAt: null, preemptions: 0 },
    ]),
  );
  const free = new Map<string, number>();
  for (const n of config.nodes) for (const [kind, g] of Object.entries(n.gpus)) free.set(key(n.name, kind), g.capacity);
  const queued = new Map<string, SimJob>();
  const running = new Map<string, Live>();
  const ends = new MinHeap<{ at: number; id: string; stop: boolean }>(
    (a, b) => a.at < b.at || (a.at === b.at && a.id < b.id),
  );
  const usage = new Map<string, UsageRecord>();
  const gpuMsByTeam = new Map<string, number>();
  let next = 0;
  let passes = 0;
  let t = arrivals.length ? arrivals[0].submittedAt : 0;
  let lastT = t;
  let rerunsAtT = 0;

  const release = (live: Live) => {
    for (const p of live.placements)
      free.set(key(p.node, live.job.gpu.kind), free.get(key(p.node, live.job.gpu.kind))! + p.count);
    running.delete(live.job.id);
  };

  while (passes < maxPasses) {
    accrue(running, usage, gpuMsByTeam, lastT, t, options.usageHalfLifeSeconds);
    lastT = t;
    while (next < arrivals.length && arrivals[next].submittedAt <= t) queued.set(arrivals[next].id, arrivals[next++]);
    while (ends.size && ends.peek()!.at <= t) {
      const e = ends.pop()!;
      const live = running.get(e.id);
      // Stale entries: the job already ended, or this is a finish for a job stopped earlier.
      if (!live || (e.stop ? !live.preemption || live.preemption.graceDeadline !== e.at : live.endAt !== e.at))
        continue;
      release(live);
      if (e.stop && live.endAt > e.at) {
        results.get(e.id)!.preemptions++;
        queued.set(e.id, { ...live.job, queuedAt: e.at });
      } else {
        results.get(e.id)!.finishedAt = e.at;
      }
    }

    const snapshot = buildSnapshot(t, config, queued, running, free, usage);
    const decisions = decideAdmissions(snapshot, options);
    passes++;
    config.onPass?.(snapshot, decisions);
    let stoppedNow = false;
    for (const d of decisions) {
      if (d.type === 'admit') {
        const job = queued.get(d.jobId)!;
        for (const p of d.placements) {
          const k = key(p.node, job.gpu.kind);
          const left = (free.get(k) ?? 0) - p.count;
          if (left < 0) throw new Error(`oversubscribed ${p.node} ${job.gpu.kind} at ${t} by ${job.id}`);
          free.set(k, left);
        }
        queued.delete(job.id);
        const endAt = t + Math.min(job.actualRuntimeSeconds, job.maxRuntimeSeconds) * 1000;
        running.set(job.id, { job, placements: d.placements, startedAt: t, endAt, borrowed: d.borrowed });
        ends.push({ at: endAt, id: job.id, stop: false });
        const r = results.get(job.id)!;
        r.firstAdmittedAt ??= t;
        r.admittedAt = t;
      } else if (d.type === 'preempt') {
        const live = running.get(d.jobId)!;
        live.preemption = { graceDeadline: d.graceDeadline, forJobId: d.forJobId };
        if (d.graceDeadline < live.endAt) ends.push({ at: d.graceDeadline, id: d.jobId, stop: true });
        if (d.graceDeadline <= t) stoppedNow = true;
      }
    }
    // Zero grace: stop them and decide again at the same instant (a few times at most).
    if (stoppedNow && rerunsAtT++ < 8) continue;
    rerunsAtT = 0;
    const candidates = [
      next < arrivals.length ? arrivals[next].submittedAt : Infinity,
      ends.size ? ends.peek()!.at : Infinity,
    ];
    const upcoming = Math.min(...candidates);
    if (upcoming === Infinity) break;
    t = Math.max(t, upcoming);
  }
  const unfinished = [...results].filter(([, r]) => r.finishedAt === null).map(([id]) => id);
  return { jobs: results, unfinished, endAt: t, passes, gpuMsByTeam };
}

function buildSnapshot(
  now: number,
  config: SimConfig,
  queued: Map<string, SimJob>,
  running: Map<string, Live>,
  free: Map<string, number>,
  usage: Map<string, UsageRecord>,
): Snapshot {
  return {
    now,
    queued: [...queued.values()],
    running: [...running.values()].map((l): RunningJob => ({
      id: l.job.id,
      team: l.job.team,
      user: l.job.user,
      priority: l.job.priority,
      gpu: l.job.gpu,
      placements: l.placements,
      startedAt: l.startedAt,
      expectedEndAt: l.startedAt + l.job.expectedRuntimeSeconds * 1000,
      maxRuntimeSeconds: l.job.maxRuntimeSeconds,
      borrowed: l.borrowed,
      preemption: l.preemption,
    })),
    nodes: config.nodes.map((n) => ({
      ...n,
      gpus: Object.fromEntries(
        Object.entries(n.gpus).map(([kind, g]) => [
          kind,
          { capacity: g.capacity, free: free.get(key(n.name, kind)) ?? 0 },
        ]),
      ),
    })),
    quotas: config.quotas,
    teams: config.teams,
    usage: [...usage.values()],
  };
}

function accrue(
  running: Map<string, Live>,
  usage: Map<string, UsageRecord>,
  gpuMsByTeam: Map<string, number>,
  from: number,
  to: number,
  halfLifeSeconds: number,
): void {
  if (to <= from) return;
  const held = new Map<string, { team: string; kind: string; gpus: number }>();
  for (const l of running.values()) {
    const k = key(l.job.team, l.job.gpu.kind);
    const h = held.get(k) ?? { team: l.job.team, kind: l.job.gpu.kind, gpus: 0 };
    h.gpus += l.job.gpu.count;
    held.set(k, h);
    gpuMsByTeam.set(l.job.team, (gpuMsByTeam.get(l.job.team) ?? 0) + l.job.gpu.count * (to - from));
  }
  for (const [k, h] of held) {
    const rec = usage.get(k) ?? { team: h.team, gpuKind: h.kind, gpuHours: 0, asOf: from };
    usage.set(k, accrueUsage(rec, h.gpus, from, to, halfLifeSeconds));
  }
}

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

/** A job's end (`stop`: its grace deadline after a preemption); stale once the job ended otherwise. */
interface End {
  at: number;
  id: string;
  stop: boolean;
}

/** What the simulation keeps between passes. */
interface Cluster {
  config: SimConfig;
  results: Map<string, SimJobResult>;
  /** node x kind -> free GPUs. */
  free: Map<string, number>;
  queued: Map<string, SimJob>;
  running: Map<string, Live>;
  /** By time, then id. */
  ends: MinHeap<End>;
  usage: Map<string, UsageRecord>;
  gpuMsByTeam: Map<string, number>;
}

export function simulateCluster(config: SimConfig): SimResult {
  const options = resolveOptions(config.options);
  const maxPasses = config.maxPasses ?? 1_000_000;
  const arrivals = [...config.jobs].sort((a, b) => a.submittedAt - b.submittedAt || (a.id < b.id ? -1 : 1));
  const c: Cluster = {
    config,
    results: new Map(
      arrivals.map((j) => [
        j.id,
        { submittedAt: j.submittedAt, firstAdmittedAt: null, admittedAt: null, finishedAt: null, preemptions: 0 },
      ]),
    ),
    free: new Map(),
    queued: new Map(),
    running: new Map(),
    ends: new MinHeap<End>((a, b) => a.id < b.id),
    usage: new Map(),
    gpuMsByTeam: new Map(),
  };
  for (const n of config.nodes)
    for (const [kind, g] of Object.entries(n.gpus)) c.free.set(key(n.name, kind), g.capacity);
  let next = 0;
  let passes = 0;
  let t = arrivals.length ? arrivals[0].submittedAt : 0;
  let lastT = t;
  let rerunsAtT = 0;
  while (passes < maxPasses) {
    accrue(c.running, c.usage, c.gpuMsByTeam, lastT, t, options.usageHalfLifeSeconds);
    lastT = t;
    while (next < arrivals.length && arrivals[next].submittedAt <= t) c.queued.set(arrivals[next].id, arrivals[next++]);
    endDue(c, t);
    const snapshot = buildSnapshot(t, config, c.queued, c.running, c.free, c.usage);
    const decisions = decideAdmissions(snapshot, options);
    passes++;
    config.onPass?.(snapshot, decisions);
    // Zero grace: stop them and decide again at the same instant (a few times at most).
    if (applyDecisions(c, decisions, t) && rerunsAtT++ < 8) continue;
    rerunsAtT = 0;
    const upcoming = Math.min(
      next < arrivals.length ? arrivals[next].submittedAt : Infinity,
      c.ends.size ? c.ends.peek()!.at : Infinity,
    );
    if (upcoming === Infinity) break;
    t = Math.max(t, upcoming);
  }
  const unfinished = [...c.results].filter(([, r]) => r.finishedAt === null).map(([id]) => id);
  return { jobs: c.results, unfinished, endAt: t, passes, gpuMsByTeam: c.gpuMsByTeam };
}

/** Ends the jobs due by `t`: finished, or stopped at their grace deadline and queued again. */
function endDue(c: Cluster, t: number): void {
  while (c.ends.size && c.ends.peek()!.at <= t) {
    const e = c.ends.pop()!;
    const live = c.running.get(e.id);
    // Stale entries: the job already ended, or this is a finish for a job stopped earlier.
    if (!live || (e.stop ? !live.preemption || live.preemption.graceDeadline !== e.at : live.endAt !== e.at)) continue;
    for (const p of live.placements) {
      const k = key(p.node, live.job.gpu.kind);
      c.free.set(k, c.free.get(k)! + p.count);
    }
    c.running.delete(live.job.id);
    if (e.stop && live.endAt > e.at) {
      c.results.get(e.id)!.preemptions++;
      c.queued.set(e.id, { ...live.job, queuedAt: e.at });
    } else {
      c.results.get(e.id)!.finishedAt = e.at;
    }
  }
}

/** Starts the admitted jobs and tells the preempted ones to stop; true when one must stop at once. */
function applyDecisions(c: Cluster, decisions: Decision[], t: number): boolean {
  let stoppedNow = false;
  for (const d of decisions) {
    if (d.type === 'admit') {
      const job = c.queued.get(d.jobId)!;
      for (const p of d.placements) {
        const k = key(p.node, job.gpu.kind);
        const left = (c.free.get(k) ?? 0) - p.count;
        if (left < 0) throw new Error(`oversubscribed ${p.node} ${job.gpu.kind} at ${t} by ${job.id}`);
        c.free.set(k, left);
      }
      c.queued.delete(job.id);
      const endAt = t + Math.min(job.actualRuntimeSeconds, job.maxRuntimeSeconds) * 1000;
      c.running.set(job.id, { job, placements: d.placements, startedAt: t, endAt, borrowed: d.borrowed });
      c.ends.push({ at: endAt, id: job.id, stop: false }, endAt);
      const r = c.results.get(job.id)!;
      r.firstAdmittedAt ??= t;
      r.admittedAt = t;
    } else if (d.type === 'preempt') {
      const live = c.running.get(d.jobId)!;
      live.preemption = { graceDeadline: d.graceDeadline, forJobId: d.forJobId };
      if (d.graceDeadline < live.endAt) c.ends.push({ at: d.graceDeadline, id: d.jobId, stop: true }, d.graceDeadline);
      if (d.graceDeadline <= t) stoppedNow = true;
    }
  }
  return stoppedNow;
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

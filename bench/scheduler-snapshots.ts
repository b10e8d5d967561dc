// Seeded snapshots of a ~2,000-GPU cluster for the admission policy's benchmarks and its decision
// hash (`npm run bench scheduler`, `npm run bench scheduler-hash`), and for tests that need a pass
// at that scale. Seeded (mulberry32), so every run builds the same snapshots.
import { createRandom } from '@/lib/domain/benchmarks/random';
import type { GpuNode, Quota, QueuedJob, RunningJob, Snapshot, Team } from '@/lib/domain/scheduler';
import { PRIORITY_CLASSES, type PriorityClass } from '@/lib/domain/terms';

const SHAPES: { kind: string; pool: string; perNode: number; nodes: number; sizes: number[] }[] = [
  { kind: 'h100-80gb', pool: 'h100', perNode: 8, nodes: 70, sizes: [1, 2, 4, 8, 8, 16] },
  { kind: 'a100-80gb', pool: 'a100', perNode: 8, nodes: 100, sizes: [1, 1, 2, 4, 8] },
  { kind: 't4', pool: 't4', perNode: 4, nodes: 60, sizes: [1, 1, 2, 4] },
  { kind: 'a100-80gb-mig-1g.10gb', pool: 'a100-mig', perNode: 7, nodes: 20, sizes: [1, 1, 2] },
  { kind: 'a100-80gb-mig-3g.40gb', pool: 'a100-mig', perNode: 2, nodes: 20, sizes: [1] },
  { kind: 'a100-80gb-shared', pool: 'a100-ts', perNode: 16, nodes: 14, sizes: [1, 2, 4] },
];

/**
 * A cluster of about 2,000 GPUs of mixed kinds, 40 teams in 8 cohorts, `running` jobs placed, `queued` waiting.
 * Running jobs are placed within each team's guarantee plus borrowing limit but regardless of what
 * others are guaranteed, so the first pass over it reclaims a lot (~200 preemptions with 10,000 queued).
 */
export function buildBenchSnapshot(queuedCount: number, runningCount: number, seed = 1): Snapshot {
  return buildSnapshot(queuedCount, runningCount, seed, false);
}

/**
 * The same cluster, teams and queue shapes in a steady state, as a scheduler that already ran would
 * have left it: running and waiting jobs are mostly normal priority (a higher-priority job within
 * its guarantee would already have reclaimed), and running jobs are within their team's guarantee
 * (about one in twenty borrows a little). A pass preempts little; its time goes to ordering,
 * placing and explaining.
 */
export function buildSteadySnapshot(queuedCount: number, runningCount: number, seed = 1): Snapshot {
  return buildSnapshot(queuedCount, runningCount, seed, true);
}

/** Waiting jobs in a steady state: mostly normal; few high or critical (those reclaim and start at once). */
function steadyPriority(r: number): PriorityClass {
  return r < 0.85 ? 'normal' : r < 0.95 ? 'low' : r < 0.99 ? 'high' : 'critical';
}

/** Seeded numbers in [0, 1) and choices. */
interface Draw {
  rnd: () => number;
  pick: <T>(xs: readonly T[]) => T;
}

const NOW = Date.UTC(2025, 0, 6, 9);

function buildSnapshot(queuedCount: number, runningCount: number, seed: number, steady: boolean): Snapshot {
  const rnd = createRandom(seed);
  const draw: Draw = { rnd, pick: (xs) => xs[Math.floor(rnd() * xs.length)] };
  const nodes: GpuNode[] = SHAPES.flatMap((s) =>
    Array.from({ length: s.nodes }, (_, i) => ({
      name: `${s.pool}-${s.kind}-${i}`,
      pool: s.pool,
      gpus: { [s.kind]: { capacity: s.perNode, free: s.perNode } },
    })),
  );
  const teams: Team[] = Array.from({ length: 40 }, (_, i) => ({
    name: `team-${i}`,
    cohort: `dept-${i % 8}`,
    weight: 1 + (i % 3),
  }));
  const quotas: Quota[] = teams.flatMap((t) =>
    SHAPES.map((s) => {
      const share = Math.floor((s.perNode * s.nodes) / teams.length);
      return {
        team: t.name,
        gpuKind: s.kind,
        guaranteed: share,
        borrowingLimit: share * 4,
        weeklyGpuHours: null,
        usedGpuHoursThisWeek: 0,
      };
    }),
  );
  return {
    now: NOW,
    nodes,
    teams,
    quotas,
    running: placeRunning(draw, runningCount, steady, { nodes, teams, quotas }),
    queued: queueJobs(draw, queuedCount, steady, teams),
    usage: teams.map((t, i) => ({ team: t.name, gpuKind: 'h100-80gb', gpuHours: i * 50, asOf: NOW - 3600_000 })),
  };
}

/** Running jobs placed on the nodes (lowering their free counts) within each team's limit. */
function placeRunning(
  { rnd, pick }: Draw,
  runningCount: number,
  steady: boolean,
  cluster: Pick<Snapshot, 'nodes' | 'teams' | 'quotas'>,
): RunningJob[] {
  const { nodes, teams, quotas } = cluster;
  const running: RunningJob[] = [];
  const used = new Map<string, number>();
  for (let i = 0; running.length < runningCount && i < runningCount * 20; i++) {
    const s = pick(SHAPES);
    // Mostly small running jobs, so ~1,000 of them fill the cluster to about 85 %.
    const count = Math.min(pick(s.sizes.slice(0, 3)), s.perNode);
    const team = pick(teams).name;
    const q = quotas.find((x) => x.team === team && x.gpuKind === s.kind)!;
    // Steady state: within the guarantee, except about one job in twenty that borrows a little.
    const limit = steady
      ? q.guaranteed + (rnd() < 0.05 ? Math.ceil(q.guaranteed / 4) : 0)
      : q.guaranteed + q.borrowingLimit;
    if ((used.get(`${team}/${s.kind}`) ?? 0) + count > limit) continue;
    const candidates = nodes.filter((n) => (n.gpus[s.kind]?.free ?? 0) >= count);
    if (candidates.length === 0) continue;
    const node = pick(candidates);
    node.gpus[s.kind].free -= count;
    used.set(`${team}/${s.kind}`, (used.get(`${team}/${s.kind}`) ?? 0) + count);
    const startedAt = NOW - Math.floor(rnd() * 8 * 3600_000);
    running.push({
      id: `run-${i}`,
      team,
      user: `${team}-u`,
      priority: steady ? (rnd() < 0.8 ? 'normal' : pick(PRIORITY_CLASSES)) : pick(PRIORITY_CLASSES),
      gpu: { kind: s.kind, count },
      placements: [{ node: node.name, count }],
      startedAt,
      expectedEndAt: NOW + Math.floor(rnd() * 12 * 3600_000),
      maxRuntimeSeconds: 24 * 3600,
      borrowed: 0,
    });
  }
  return running;
}

function queueJobs({ rnd, pick }: Draw, queuedCount: number, steady: boolean, teams: Team[]): QueuedJob[] {
  return Array.from({ length: queuedCount }, (_, i) => {
    const s = pick(SHAPES);
    const count = pick(s.sizes);
    const runtime = 600 + Math.floor(rnd() * 8 * 3600);
    return {
      id: `job-${i}`,
      team: pick(teams).name,
      user: 'u',
      priority: steady ? steadyPriority(rnd()) : pick(PRIORITY_CLASSES),
      gpu: { kind: s.kind, count },
      singleNode: count <= s.perNode ? rnd() < 0.8 : false,
      expectedRuntimeSeconds: runtime,
      maxRuntimeSeconds: runtime * 2,
      submittedAt: NOW - Math.floor(rnd() * 48 * 3600_000),
    };
  });
}

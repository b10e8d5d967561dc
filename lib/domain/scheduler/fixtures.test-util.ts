// Builders for scheduler tests: small literal snapshots that read like the scenario they test.
import type { PriorityClass } from '../terms';
import type { GpuNode, Quota, QueuedJob, RunningJob, Snapshot, Team } from './schema';

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;

export function gpuNode(
  name: string,
  gpus: Record<string, number | [capacity: number, free: number]>,
  pool = 'a100',
): GpuNode {
  return {
    name,
    pool,
    gpus: Object.fromEntries(
      Object.entries(gpus).map(([kind, v]) => [
        kind,
        Array.isArray(v) ? { capacity: v[0], free: v[1] } : { capacity: v, free: v },
      ]),
    ),
  };
}

export function queuedJob(id: string, team: string, count: number, over: Partial<QueuedJob> = {}): QueuedJob {
  return {
    id,
    team,
    user: `${team}-user`,
    priority: 'normal',
    gpu: { kind: 'a100-80gb', count },
    singleNode: true,
    expectedRuntimeSeconds: 3600,
    maxRuntimeSeconds: 7200,
    submittedAt: T0 - MIN,
    ...over,
  };
}

export function runningJob(
  id: string,
  team: string,
  placements: [node: string, count: number][],
  over: Partial<RunningJob> & { priority?: PriorityClass } = {},
): RunningJob {
  const count = placements.reduce((s, [, c]) => s + c, 0);
  return {
    id,
    team,
    user: `${team}-user`,
    priority: 'normal',
    gpu: { kind: 'a100-80gb', count },
    placements: placements.map(([node, c]) => ({ node, count: c })),
    startedAt: T0 - HOUR,
    expectedEndAt: T0 + HOUR,
    maxRuntimeSeconds: 4 * 3600,
    borrowed: 0,
    ...over,
  };
}

export function quota(team: string, guaranteed: number, borrowingLimit: number, over: Partial<Quota> = {}): Quota {
  return {
    team,
    gpuKind: 'a100-80gb',
    guaranteed,
    borrowingLimit,
    weeklyGpuHours: null,
    usedGpuHoursThisWeek: 0,
    ...over,
  };
}

export function team(name: string, cohort = 'research', weight = 1): Team {
  return { name, cohort, weight };
}

/** Node free counts are derived from capacity minus running placements unless given explicitly. */
export function snapshot(parts: Partial<Snapshot> & { nodes: GpuNode[] }): Snapshot {
  const running = parts.running ?? [];
  const nodes = parts.nodes.map((n) => {
    const gpus = { ...n.gpus };
    for (const [kind, g] of Object.entries(gpus)) {
      const used = running
        .filter((r) => r.gpu.kind === kind)
        .flatMap((r) => r.placements)
        .filter((p) => p.node === n.name)
        .reduce((s, p) => s + p.count, 0);
      gpus[kind] = { capacity: g.capacity, free: Math.min(g.free, g.capacity - used) };
    }
    return { ...n, gpus };
  });
  return { now: T0, queued: [], running, quotas: [], teams: [], usage: [], ...parts, nodes };
}

// Replays Kueue's scheduler performance baseline (test/performance/scheduler/configs/baseline in
// kubernetes-sigs/kueue) against this policy in virtual time. Mapping: each ClusterQueue becomes a
// team with guaranteed = nominalQuota and borrowingLimit as given; each Kueue cohort becomes a
// cohort with its own GPU kind (Kueue cohorts share nothing with each other), backed by one node
// per queue of nominalQuota units; Kueue priorities map to classes by rank (highest -> high).
import { z } from 'zod';
import type { GpuNode, Quota, SchedulerOptions, Team } from '@/lib/domain/scheduler';
import type { SimJob, SimResult } from '@/lib/domain/scheduler/simulate';
import { simulateCluster } from '@/lib/domain/scheduler/simulate';
import { PRIORITY_CLASSES, type PriorityClass } from '@/lib/domain/terms';

export const KueueGenerator = z.object({
  cohorts: z.array(
    z.object({
      className: z.string(),
      count: z.number().int().positive(),
      queuesSets: z.array(
        z.object({
          className: z.string(),
          count: z.number().int().positive(),
          nominalQuota: z.number().int().nonnegative(),
          borrowingLimit: z.number().int().nonnegative(),
          workloadsSets: z.array(
            z.object({
              count: z.number().int().positive(),
              creationIntervalMs: z.number().nonnegative(),
              workloads: z.array(
                z.object({
                  className: z.string(),
                  runtimeMs: z.number().positive(),
                  priority: z.number(),
                  request: z.number().int().positive(),
                }),
              ),
            }),
          ),
        }),
      ),
    }),
  ),
});
export type KueueGenerator = z.infer<typeof KueueGenerator>;

export interface KueueReplayResult {
  /** Virtual time from the first creation until the last workload finished. */
  wallMs: number;
  avgTimeToAdmissionMs: Record<string, number>;
  /** Lowest, over queues, of units used over time divided by nominal quota times wall time. */
  minQueueUsagePct: number;
  workloads: number;
  preemptions: number;
  passes: number;
  unfinished: number;
}

/** The generator's cohorts, queues and workloads as Gantry teams, quotas, nodes and jobs. */
interface KueueCluster {
  nodes: GpuNode[];
  quotas: Quota[];
  teams: Team[];
  jobs: SimJob[];
  /** Workload id -> its class (large, medium, small). */
  workloadClass: Map<string, string>;
  /** Team -> its queue's nominal quota. */
  nominalOf: Map<string, number>;
}

export function replayKueue(generator: KueueGenerator, options: Partial<SchedulerOptions> = {}): KueueReplayResult {
  const cluster = buildCluster(generator);
  // Kueue evicts at once; its workloads do not checkpoint.
  const { nodes, quotas, teams, jobs } = cluster;
  const result = simulateCluster({
    nodes,
    quotas,
    teams,
    jobs,
    options: { graceSeconds: 0, explain: false, ...options },
  });
  return summarize(cluster, result);
}

function buildCluster(generator: KueueGenerator): KueueCluster {
  const priorities = [
    ...new Set(
      generator.cohorts.flatMap((c) =>
        c.queuesSets.flatMap((q) => q.workloadsSets.flatMap((w) => w.workloads.map((x) => x.priority))),
      ),
    ),
  ].sort((a, b) => a - b);
  // Lowest Kueue priority -> low, next -> normal, ... capped at critical.
  const classOf = (p: number) => PRIORITY_CLASSES[Math.max(0, PRIORITY_CLASSES.length - 1 - priorities.indexOf(p))];
  const cluster: KueueCluster = {
    nodes: [],
    quotas: [],
    teams: [],
    jobs: [],
    workloadClass: new Map(),
    nominalOf: new Map(),
  };
  for (const cohortSet of generator.cohorts) {
    for (let c = 0; c < cohortSet.count; c++) {
      const cohort = `${cohortSet.className}-${c}`;
      const kind = `kueue-unit-${c}`;
      for (const qs of cohortSet.queuesSets) {
        for (let q = 0; q < qs.count; q++)
          addQueue(cluster, `${cohort}-${qs.className}-${q}`, cohort, kind, qs, classOf);
      }
    }
  }
  return cluster;
}

type QueuesSet = KueueGenerator['cohorts'][number]['queuesSets'][number];

/** One ClusterQueue: a team with its quota, one node of nominalQuota units, and its workloads. */
function addQueue(
  cluster: KueueCluster,
  teamName: string,
  cohort: string,
  kind: string,
  qs: QueuesSet,
  classOf: (priority: number) => PriorityClass,
): void {
  cluster.teams.push({ name: teamName, cohort, weight: 1 });
  cluster.quotas.push({
    team: teamName,
    gpuKind: kind,
    guaranteed: qs.nominalQuota,
    borrowingLimit: qs.borrowingLimit,
    weeklyGpuHours: null,
    usedGpuHoursThisWeek: 0,
  });
  cluster.nominalOf.set(teamName, qs.nominalQuota);
  cluster.nodes.push({
    name: `${teamName}-node`,
    pool: cohort,
    gpus: { [kind]: { capacity: qs.nominalQuota, free: qs.nominalQuota } },
  });
  for (const ws of qs.workloadsSets) {
    for (let i = 0; i < ws.count; i++) {
      for (const w of ws.workloads) {
        const id = `${teamName}-${w.className}-${i}`;
        cluster.workloadClass.set(id, w.className);
        cluster.jobs.push({
          id,
          team: teamName,
          user: teamName,
          priority: classOf(w.priority),
          gpu: { kind, count: w.request },
          singleNode: false,
          expectedRuntimeSeconds: w.runtimeMs / 1000,
          maxRuntimeSeconds: w.runtimeMs / 1000,
          actualRuntimeSeconds: w.runtimeMs / 1000,
          submittedAt: Math.round(i * ws.creationIntervalMs),
        });
      }
    }
  }
}

function summarize(cluster: KueueCluster, result: SimResult): KueueReplayResult {
  const sums = new Map<string, { total: number; n: number }>();
  let preemptions = 0;
  let end = 0;
  for (const [id, r] of result.jobs) {
    preemptions += r.preemptions;
    if (r.finishedAt !== null) end = Math.max(end, r.finishedAt);
    if (r.admittedAt === null) continue;
    const cls = cluster.workloadClass.get(id)!;
    const s = sums.get(cls) ?? { total: 0, n: 0 };
    s.total += r.admittedAt - r.submittedAt;
    s.n++;
    sums.set(cls, s);
  }
  const start = Math.min(...cluster.jobs.map((j) => j.submittedAt));
  const wallMs = end - start;
  let minUsage = Infinity;
  for (const [teamName, nominal] of cluster.nominalOf) {
    const used = result.gpuMsByTeam.get(teamName) ?? 0;
    minUsage = Math.min(minUsage, nominal > 0 && wallMs > 0 ? (100 * used) / (nominal * wallMs) : 0);
  }
  return {
    wallMs,
    avgTimeToAdmissionMs: Object.fromEntries([...sums].map(([k, v]) => [k, v.total / v.n])),
    minQueueUsagePct: minUsage,
    workloads: cluster.jobs.length,
    preemptions,
    passes: result.passes,
    unfinished: result.unfinished.length,
  };
}

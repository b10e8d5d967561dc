// Inputs of the admission policy: the Snapshot and the options of a pass. The schemas state what the
// policy may assume. The scheduler loop builds its snapshot typed, from validated columns and parsed
// Node objects, rather than parsing it every pass (lib/server/scheduler/load-snapshot.ts says why).
// All instants are epoch milliseconds; durations carry their unit in the name.
import { z } from 'zod';
import { GpuKindId, PRIORITY_CLASSES, PriorityClass } from '../terms';

const Instant = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();

const GpuDemand = z.object({ kind: GpuKindId, count: z.number().int().positive() });
type GpuDemand = z.infer<typeof GpuDemand>;

export const QueuedJob = z.object({
  id: z.string().min(1),
  team: z.string().min(1),
  user: z.string().min(1),
  priority: PriorityClass,
  gpu: GpuDemand,
  /** All GPUs on one node (the usual case for one training process). */
  singleNode: z.boolean(),
  expectedRuntimeSeconds: z.number().positive(),
  /** Hard stop; backfill relies on it so a backfilled job cannot outlive its promise. */
  maxRuntimeSeconds: z.number().positive(),
  submittedAt: Instant,
  /**
   * When it last entered the queue (a preempted job re-enters). Aging counts from here, so a job
   * that just lost its GPUs does not come back aged by the time it spent running; its place in
   * line still comes from submittedAt.
   */
  queuedAt: Instant.optional(),
});
export type QueuedJob = z.infer<typeof QueuedJob>;

export const NodePlacement = z.object({ node: z.string().min(1), count: z.number().int().positive() });
export type NodePlacement = z.infer<typeof NodePlacement>;

export const RunningJob = z.object({
  id: z.string().min(1),
  team: z.string().min(1),
  user: z.string().min(1),
  priority: PriorityClass,
  gpu: GpuDemand,
  placements: z.array(NodePlacement).min(1),
  startedAt: Instant,
  expectedEndAt: Instant,
  maxRuntimeSeconds: z.number().positive().optional(),
  /** GPUs beyond the team's guarantee when it was admitted (informative; reclaim is decided live). */
  borrowed: Count.default(0),
  /** Set once the job was told to stop; it keeps its GPUs until the deadline. */
  preemption: z.object({ graceDeadline: Instant, forJobId: z.string().min(1) }).optional(),
});
export type RunningJob = z.infer<typeof RunningJob>;

const NodeGpus = z.object({ capacity: Count, free: Count });
type NodeGpus = z.infer<typeof NodeGpus>;

export const GpuNode = z.object({
  name: z.string().min(1),
  pool: z.string().min(1),
  /** Capacity and free count by GPU kind as the device plugin advertises them. */
  gpus: z.record(GpuKindId, NodeGpus),
});
export type GpuNode = z.infer<typeof GpuNode>;

export const Quota = z.object({
  team: z.string().min(1),
  gpuKind: GpuKindId,
  guaranteed: Count,
  /** How many GPUs beyond the guarantee the team may borrow from idle capacity. */
  borrowingLimit: Count,
  weeklyGpuHours: z.number().nonnegative().nullable().default(null),
  usedGpuHoursThisWeek: z.number().nonnegative().default(0),
});
export type Quota = z.infer<typeof Quota>;

export const Team = z.object({
  name: z.string().min(1),
  /** Department; teams of one cohort lend each other unused guarantees. */
  cohort: z.string().min(1),
  weight: z.number().positive().default(1),
});
export type Team = z.infer<typeof Team>;

/** GPU-hours already decayed to `asOf`; the policy decays further to `now`. */
export const UsageRecord = z.object({
  team: z.string().min(1),
  gpuKind: GpuKindId,
  gpuHours: z.number().nonnegative(),
  asOf: Instant,
});
export type UsageRecord = z.infer<typeof UsageRecord>;

export const Snapshot = z.object({
  now: Instant,
  queued: z.array(QueuedJob),
  running: z.array(RunningJob),
  nodes: z.array(GpuNode),
  quotas: z.array(Quota),
  teams: z.array(Team),
  usage: z.array(UsageRecord).default([]),
});
export type Snapshot = z.infer<typeof Snapshot>;

export interface SchedulerOptions {
  /** How long a preempted job keeps its GPUs to checkpoint. */
  graceSeconds: number;
  /** Half-life of past usage in the fair-share order. */
  usageHalfLifeSeconds: number;
  /** A waiting job rises one priority class per this many seconds (null: never), so none starves. */
  agingSeconds: number | null;
  /** A job may preempt its own team's lower-priority jobs to run within its guarantee. */
  preemptLowerPriorityInTeam: boolean;
  /** ETAs (a forward simulation) and sentences cost time; a simulator driving many passes can skip them. */
  explain: boolean;
}

export const DEFAULT_OPTIONS: SchedulerOptions = {
  graceSeconds: 120,
  usageHalfLifeSeconds: 7 * 24 * 3600,
  agingSeconds: 6 * 3600,
  preemptLowerPriorityInTeam: true,
  explain: true,
};

export function resolveOptions(options: Partial<SchedulerOptions> = {}): SchedulerOptions {
  return { ...DEFAULT_OPTIONS, ...options };
}

/** critical=3 ... low=0, so a larger rank goes first. */
export function rankOf(priority: PriorityClass): number {
  return 3 - PRIORITY_CLASSES.indexOf(priority);
}

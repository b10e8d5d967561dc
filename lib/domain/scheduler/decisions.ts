// What one admission pass answers. The scheduler loop applies these in one transaction; the UI
// shows `message` verbatim, so every message is a sentence a researcher understands.
import type { PriorityClass } from '../terms';
import type { NodePlacement } from './schema';

/** Why a job waits: a closed set. */
export type WaitReason =
  /** The team is at its guarantee plus borrowing limit for this GPU kind. */
  | 'QUOTA_EXHAUSTED'
  /** Running it would mean borrowing, and the cohort has nothing left to lend. */
  | 'COHORT_EXHAUSTED'
  /** The team's weekly GPU-hour budget would be exceeded. */
  | 'BUDGET_EXHAUSTED'
  /** Quota allows it; not enough GPUs of the kind are free. */
  | 'CAPACITY'
  /** Enough GPUs are free in total, but not on one node as the job asked. */
  | 'FRAGMENTED'
  /** It would fit, but the GPUs are held for the job at the head of the line. */
  | 'RESERVED_FOR_HEAD'
  /** Like RESERVED_FOR_HEAD, but the holder is of a higher priority class. */
  | 'PRIORITY'
  /** Borrowers were told to give the team's guaranteed GPUs back; waiting out their grace period. */
  | 'RECLAIMING'
  /** Can never run: no such GPU kind, larger than the cluster, a node, or the team's hard limit. */
  | 'NEVER_FITS';

export interface AdmitDecision {
  type: 'admit';
  jobId: string;
  team: string;
  gpuKind: string;
  placements: NodePlacement[];
  /** GPUs beyond the team's guarantee: these may be reclaimed later. */
  borrowed: number;
  /** Started out of order in a gap that does not delay the head's reservation. */
  backfill: boolean;
}

export interface Reservation {
  startAt: number;
  placements: NodePlacement[];
}

export interface WaitDecision {
  type: 'wait';
  jobId: string;
  team: string;
  gpuKind: string;
  reason: WaitReason;
  message: string;
  /** 1-based among the team's waiting jobs. */
  teamPosition: number;
  /** 1-based among all waiting jobs. */
  overallPosition: number;
  /** Expected start (epoch ms) from simulating running jobs' ends forward; null when unknown or never. */
  eta: number | null;
  /** Only for the head of a GPU kind's line: the start that backfill must not delay. */
  reservation?: Reservation;
}

export interface PreemptDecision {
  type: 'preempt';
  jobId: string;
  team: string;
  gpuKind: string;
  gpus: number;
  forJobId: string;
  forTeam: string;
  forPriority: PriorityClass;
  graceDeadline: number;
  message: string;
}

export type Decision = AdmitDecision | WaitDecision | PreemptDecision;

// The API's job and quota shapes as the browser sees them (the server's views, restated here
// because components never import lib/server).
export type JobState = 'queued' | 'admitted' | 'submitted' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'preempted';

export interface JobView {
  id: string;
  name: string;
  kind: string;
  team: string;
  user: { id: string; email: string; name: string };
  priority: string;
  gpu: { kind: string; count: number };
  singleNode: boolean;
  expectedRuntimeSeconds: number;
  maxRuntimeSeconds: number;
  state: JobState;
  reason: string | null;
  message: string | null;
  position: number | null;
  teamPosition: number | null;
  eta: string | null;
  placements: Array<{ node: string; count: number }> | null;
  borrowed: number;
  workflowName: string | null;
  attempts: number;
  preemptDeadline: string | null;
  submittedAt: string;
  queuedAt: string;
  admittedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobEventView {
  id: string;
  at: string;
  fromState: JobState | null;
  toState: JobState | null;
  cause: string;
  message: string;
  actor: string | null;
}

export interface JobDetailView extends JobView {
  spec: Record<string, unknown> | null;
  events: JobEventView[];
  canCancel: boolean;
}

export interface JobPage {
  items: JobView[];
  total: number;
  page: number;
  pageSize: number;
}

export interface DryRunView {
  dryRun: true;
  team: string;
  gpu: { kind: string; count: number };
  fits: boolean;
  startsNow: boolean;
  reason: string | null;
  message: string;
  placements: Array<{ node: string; count: number }> | null;
  eta: string | null;
  position: number | null;
  teamPosition: number | null;
  wouldPreempt: string[];
}

export interface QuotaView {
  team: string;
  gpuKind: string;
  guaranteed: number;
  borrowingLimit: number;
  weeklyGpuHours: number | null;
  inUse: number;
  borrowed: number;
  queued: number;
  usedGpuHoursThisWeek: number;
  remainingGpuHours: number | null;
  updatedAt: string;
}

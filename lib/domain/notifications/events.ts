// The notification events, defined once: the outbox, the subscriptions, the webhook API and the
// forms all import this list.

export const EVENT_TYPES = [
  'job.started',
  'job.succeeded',
  'job.failed',
  'job.preempted',
  'job.cancelled',
  'job.waiting',
  'gpu.idle',
  'quota.budget',
  'sweep.finished',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_LABELS: Record<EventType, string> = {
  'job.started': 'Job started',
  'job.succeeded': 'Job succeeded',
  'job.failed': 'Job failed',
  'job.preempted': 'Job preempted',
  'job.cancelled': 'Job cancelled by someone else',
  'job.waiting': 'Job waiting longer than my threshold',
  'gpu.idle': 'Allocated GPU idle',
  'quota.budget': 'Team weekly GPU-hours at 80 % / 100 %',
  'sweep.finished': 'Benchmark sweep finished',
};

/** What a user gets without choosing (issue 16): failures, preemptions, long successes, idle GPUs, budgets. */
export const DEFAULT_EVENTS: readonly EventType[] = [
  'job.failed',
  'job.preempted',
  'job.succeeded',
  'gpu.idle',
  'quota.budget',
];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** The job_events row the outbox trigger forwards (migration 0006 picks the same states). */
export interface TimelineEvent {
  cause: string;
  fromState: string | null;
  toState: string | null;
  /** who caused it (cancel), null for the system */
  actorId: string | null;
}

/**
 * Which notification event a timeline row is, or null when it notifies nobody. A job cancelled by
 * its own owner tells no one: they know. A preempted job's requeue row is not a second event.
 */
export function eventOfTimeline(row: TimelineEvent, ownerId: string): EventType | null {
  if (row.cause === 'GPU_IDLE') return 'gpu.idle';
  switch (row.toState) {
    case 'running':
      return 'job.started';
    case 'succeeded':
      return 'job.succeeded';
    case 'failed':
      return 'job.failed';
    case 'preempted':
      return 'job.preempted';
    case 'cancelled':
      return row.cause === 'CANCELLED_BY_OWNER' || row.actorId === ownerId ? null : 'job.cancelled';
    default:
      return null;
  }
}

/** The step a failed workflow failed at: the first Pod node to fail (Argo's status.nodes), or null. */
export function failedStepOf(
  nodes: Record<
    string,
    { type?: string; phase?: string; displayName?: string; name: string; message?: string; finishedAt?: string | null }
  >,
): { name: string; message: string | null } | null {
  const failed = Object.values(nodes)
    .filter((n) => n.type === 'Pod' && (n.phase === 'Failed' || n.phase === 'Error'))
    .sort((a, b) => String(a.finishedAt ?? '').localeCompare(String(b.finishedAt ?? '')));
  return failed.length ? { name: failed[0].displayName ?? failed[0].name, message: failed[0].message ?? null } : null;
}

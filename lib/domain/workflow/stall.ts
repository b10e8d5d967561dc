// Stalled workflows: ones whose status can no longer move on by itself, so the job would hold its
// GPUs (in Gantry's books) forever. Three cases, each answered with the sentence shown on the job:
// - not started: no controller has given the Workflow a phase (Argo absent or not watching);
// - unschedulable: steps wait for a node (Argo's `Unschedulable: ...` node message) and none runs;
// - overdue: running past its limit (activeDeadlineSeconds or the job's maximum runtime) plus a
//   grace period with no step changing, i.e. the deadline that should have ended it did not.
import type { NodeStatus } from './types';

export interface StallPolicy {
  /** How long steps may wait for a node with nothing running (and a Workflow may wait for a phase). */
  pendingMs: number;
  /** How long past its deadline, and without any step change, a running Workflow may go. */
  graceMs: number;
}

export interface StallInput {
  workflow: {
    metadata?: { creationTimestamp?: string };
    spec?: { activeDeadlineSeconds?: unknown; [key: string]: unknown };
    status?: { phase?: string; startedAt?: string | null; nodes?: Record<string, NodeStatus>; [key: string]: unknown };
  };
  /** The job's own limit; the Workflow's activeDeadlineSeconds applies when lower. */
  maxRuntimeSeconds: number;
  now: number;
}

type StallKind = 'NOT_STARTED' | 'UNSCHEDULABLE' | 'OVERDUE';
export type Stall = { kind: StallKind; message: string };

export function detectStall({ workflow, maxRuntimeSeconds, now }: StallInput, policy: StallPolicy): Stall | null {
  const status = workflow.status ?? {};
  const phase = status.phase ?? '';
  if (phase === '' || phase === 'Pending') {
    const created = time(workflow.metadata?.creationTimestamp);
    if (created !== null && now - created >= policy.pendingMs) {
      return {
        kind: 'NOT_STARTED',
        message: `No workflow controller has started the workflow in ${duration(now - created)}; is Argo Workflows running and watching its namespace?`,
      };
    }
    return null;
  }
  if (phase !== 'Running') return null;

  const nodes = Object.values(status.nodes ?? {});
  const pods = nodes.filter((n) => n.type === 'Pod');
  const waiting = pods.filter((n) => n.phase === 'Pending' && n.message?.startsWith('Unschedulable'));
  if (waiting.length > 0 && !pods.some((n) => n.phase === 'Running')) {
    const oldest = waiting.reduce((a, b) => ((time(b.startedAt) ?? now) < (time(a.startedAt) ?? now) ? b : a));
    const waited = now - (time(oldest.startedAt) ?? now);
    if (waited >= policy.pendingMs) {
      const why = oldest.message!.replace(/^Unschedulable:\s*/, '');
      const others = waiting.length > 1 ? ` (and ${waiting.length - 1} more step${waiting.length > 2 ? 's' : ''})` : '';
      return {
        kind: 'UNSCHEDULABLE',
        message: `Step ${oldest.displayName ?? oldest.name}${others} has waited ${duration(waited)} for a node with no step running: ${why}`,
      };
    }
  }

  const started = time(status.startedAt);
  if (started === null) return null;
  const deadline = Number(workflow.spec?.activeDeadlineSeconds);
  const limitS = Number.isFinite(deadline) && deadline > 0 ? Math.min(deadline, maxRuntimeSeconds) : maxRuntimeSeconds;
  const overdue = now - (started + limitS * 1000);
  let lastChange = started;
  for (const n of nodes) lastChange = Math.max(lastChange, time(n.startedAt) ?? 0, time(n.finishedAt) ?? 0);
  if (overdue >= policy.graceMs && now - lastChange >= policy.graceMs) {
    return {
      kind: 'OVERDUE',
      message: `The workflow has run ${duration(now - started)}, past its ${duration(limitS * 1000)} limit by ${duration(overdue)}, and no step has changed for ${duration(now - lastChange)}; its deadline did not stop it.`,
    };
  }
  return null;
}

function time(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

/** "45 s", "12 min", "3 h 05 min" */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

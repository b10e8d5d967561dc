// Text for the node panel and lists; pure so it is unit-tested.
import type { GraphNode } from '@/lib/domain/workflow/graph-model';

/** "1h 02m", "3m 05s", "42s"; null when the node has not started. `now` runs the clock for running nodes. */
export function formatNodeDuration(node: Pick<GraphNode, 'startedAt' | 'finishedAt'>, now = Date.now()): string | null {
  if (!node.startedAt) return null;
  const start = Date.parse(node.startedAt);
  const end = node.finishedAt ? Date.parse(node.finishedAt) : now;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  return formatSeconds(Math.max(0, Math.round((end - start) / 1000)));
}

export function formatSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** "62% of ~5m 00s" for a running node with an estimate from earlier runs. */
export function formatEstimate(node: Pick<GraphNode, 'phase' | 'estimate'>): string | null {
  if (node.phase !== 'Running' || !node.estimate) return null;
  return `${Math.round(node.estimate.fraction * 100)}% of ~${formatSeconds(Math.round(node.estimate.seconds))}`;
}

/** What kind of node this is, in words, beyond its phase. */
export function describeNodeKind(
  node: Pick<GraphNode, 'type' | 'isRetry' | 'isExitHandler' | 'isDynamicFanOut'>,
): string {
  const parts = [node.type];
  if (node.isRetry && node.type !== 'Retry') parts.push('retry');
  if (node.isExitHandler) parts.push('exit handler');
  if (node.isDynamicFanOut) parts.push('fan-out known at run time');
  return parts.join(', ');
}

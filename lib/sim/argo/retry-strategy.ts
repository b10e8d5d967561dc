// A template with a retryStrategy (Argo's `executeTemplate` retry loop): a Retry node whose children
// are the attempts `name(0)`, `name(1)` ...; a failed attempt is retried under the policy and limit,
// after the backoff, and the Retry node ends with the last attempt's outcome.
import { substitute, type Scope } from './expr';
import { parseSeconds } from './items';
import type { ExecCall, Walker } from './operator-context';
import { isFailure, isFulfilled, type NodeStatus, type Template } from './types';

type RetryStrategy = NonNullable<Template['retryStrategy']>;

/** Whether the policy retries an attempt that ended in this phase. */
function retryable(policy: RetryStrategy['retryPolicy'], phase: NodeStatus['phase']): boolean {
  if (policy === 'Always') return isFailure(phase);
  if (policy === 'OnError') return phase === 'Error';
  if (policy === 'OnTransientError') return false;
  return phase === 'Failed';
}

export function execRetry(op: Walker, call: ExecCall, tmpl: Template): NodeStatus | undefined {
  const { nodeName, boundaryID, displayName } = call;
  const node =
    op.nodes.get(nodeName) ?? op.nodes.create(nodeName, 'Retry', { boundaryID, displayName, templateName: tmpl.name });
  const attempts = node.children ?? [];
  const last = attempts.length ? op.nodes.byId(attempts[attempts.length - 1]) : undefined;
  const attempt = (name: string, shown: string, k: number) =>
    op.exec({ ...call, nodeName: name, template: tmpl.name, displayName: shown, noRetry: true, attempt: k });
  if (!last) return startAttempt(op, node, call, 0, attempt);
  if (!isFulfilled(last.phase)) {
    const child = attempt(last.name, last.displayName, attempts.length - 1);
    if (child && child.phase === 'Running' && node.phase === 'Pending') node.phase = 'Running';
    if (!child || !isFulfilled(child.phase)) return node;
    return execRetry(op, call, tmpl);
  }
  if (last.phase === 'Succeeded' || last.phase === 'Skipped') {
    if (last.outputs) node.outputs = last.outputs;
    return op.nodes.finish(node, 'Succeeded');
  }
  const rs = tmpl.retryStrategy!;
  const again = retryable(rs.retryPolicy ?? 'OnFailure', last.phase);
  if (!again || attempts.length > retryLimit(op, rs, call.scope)) {
    if (last.outputs) node.outputs = last.outputs;
    const phase = last.phase === 'Error' ? 'Error' : 'Failed';
    return op.nodes.finish(node, phase, again ? 'No more retries left' : last.message);
  }
  if (backingOff(op, node, rs, last, attempts.length)) return node;
  return startAttempt(op, node, call, attempts.length, attempt);
}

function startAttempt(
  op: Walker,
  node: NodeStatus,
  call: ExecCall,
  k: number,
  attempt: (name: string, shown: string, k: number) => NodeStatus | undefined,
): NodeStatus {
  const child = attempt(`${call.nodeName}(${k})`, `${call.displayName}(${k})`, k);
  if (child) op.nodes.link(node, child.id);
  return node;
}

/** retryStrategy.limit (substituted); no limit: Argo's effectively endless 1000. */
function retryLimit(op: Walker, rs: RetryStrategy, scope: Scope): number {
  const limit =
    rs.limit === undefined ? undefined : Number(substitute(String(rs.limit), { ...op.ctx.globals, ...scope }));
  return limit === undefined || !Number.isFinite(limit) ? 1000 : limit;
}

/** True while the backoff before the next attempt runs (the node says so, and the workflow is woken after). */
function backingOff(op: Walker, node: NodeStatus, rs: RetryStrategy, last: NodeStatus, tried: number): boolean {
  const backoff = parseSeconds(rs.backoff?.duration);
  if (backoff <= 0) return false;
  const { hooks, state } = op.ctx;
  const factor = Number(rs.backoff?.factor ?? 1) || 1;
  const seconds = backoff * factor ** (tried - 1);
  const due = state.retryAt.get(node.id) ?? Date.parse(String(last.finishedAt)) + (seconds * 1000) / hooks.speed;
  state.retryAt.set(node.id, due);
  if (hooks.now() < due) {
    node.message = `Backoff for ${Math.round(seconds)} seconds`;
    hooks.wakeAt(due);
    return true;
  }
  state.retryAt.delete(node.id);
  delete node.message;
  return false;
}

// A steps template (Argo's `steps.go`): step groups run one after the other, the steps of a group in
// parallel; a group ends when all its children have, and a failure not let go by continueOn ends
// the template as Failed.
import type { Scope } from './expr';
import { failsParent, fansOut, outputsScope, templateOutputs } from './items';
import type { Walker } from './operator-context';
import { isFulfilled, type NodeStatus, type Step, type Template } from './types';

type GroupResult = { outbound: string[]; done: boolean; failed?: NodeStatus };

export function execSteps(op: Walker, nodeName: string, tmpl: Template, scope: Scope, node: NodeStatus): NodeStatus {
  if (isFulfilled(node.phase)) return node;
  let prevOutbound: string[] = [];
  const stepScope: Scope = { ...scope };
  for (let i = 0; i < tmpl.steps!.length; i++) {
    const gName = `${nodeName}[${i}]`;
    const group = stepGroup(op, node, gName, i, prevOutbound);
    const { outbound, done, failed } = runGroup(op, node, group, gName, tmpl.steps![i] ?? [], stepScope);
    if (group.phase !== 'Succeeded') {
      if (!done) {
        if (node.phase === 'Pending') node.phase = 'Running';
        return node;
      }
      const message = failed ? `child '${failed.id}' failed` : undefined;
      op.nodes.finish(group, failed ? 'Failed' : 'Succeeded', message);
      if (failed) return op.nodes.finish(node, 'Failed', message);
    }
    prevOutbound = outbound;
  }
  node.outputs = templateOutputs(tmpl, stepScope);
  if (!node.outputs) delete node.outputs;
  return op.nodes.finish(node, 'Succeeded');
}

/** The StepGroup node `[i]`, linked under the Steps node (the first) or the previous group's last nodes. */
function stepGroup(op: Walker, node: NodeStatus, gName: string, i: number, prevOutbound: string[]): NodeStatus {
  const existing = op.nodes.get(gName);
  if (existing) return existing;
  const group = op.nodes.create(gName, 'StepGroup', { boundaryID: node.id, displayName: `[${i}]` });
  if (i === 0) op.nodes.link(node, group.id);
  else for (const o of prevOutbound) op.nodes.link(op.nodes.byId(o)!, group.id);
  return group;
}

function runGroup(
  op: Walker,
  node: NodeStatus,
  group: NodeStatus,
  gName: string,
  steps: Step[],
  stepScope: Scope,
): GroupResult {
  const result: GroupResult = { outbound: [], done: true };
  for (const step of steps) {
    const base = `${gName}.${step.name}`;
    if (group.phase === 'Succeeded') {
      // settled group: only read outputs (fan-outs are not walked again)
      const n = op.nodes.get(base);
      outputsScope(`steps.${step.name}`, n, stepScope);
      if (n) result.outbound.push(n.id);
      continue;
    }
    const nodes = op.runStep({ step, childBase: base, scope: stepScope, boundaryID: node.id, group });
    const results: string[] = [];
    for (const n of nodes) {
      if (!n) {
        result.done = false;
        continue;
      }
      op.nodes.link(group, n.id);
      result.outbound.push(n.id);
      if (!isFulfilled(n.phase)) result.done = false;
      else if (failsParent(step, n)) result.failed ??= n;
      if (n.outputs?.result !== undefined) results.push(n.outputs.result);
    }
    if (nodes.length === 1 && !fansOut(step)) outputsScope(`steps.${step.name}`, nodes[0], stepScope);
    else stepScope[`steps.${step.name}.outputs.result`] = JSON.stringify(results);
  }
  return result;
}

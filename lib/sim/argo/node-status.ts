// What the Argo controller writes into a Pod node when its pod changes (its pod reconciliation,
// `assessNodeStatus`): where it runs, why it waits, when it started, and how it ended, with outputs.
import type { PodEnd } from '../kubelet/kubelet';
import type { PodRun } from '../pod-runs';
import { timestamp } from '../time';
import { resourcesDuration } from './resources';
import { isFulfilled, type NodeStatus } from './types';

type OutputParam = { name: string; value?: string; valueFrom?: { default?: string; path?: string } };
export type TemplateOutputs = { name: string; outputs?: { parameters?: OutputParam[] } };

export function nodeUnschedulable(node: NodeStatus, message: string): void {
  node.message = `Unschedulable: ${message}`;
}

export function nodeBound(node: NodeStatus, hostNodeName: string): void {
  node.hostNodeName = hostNodeName;
  delete node.message;
}

export function nodeStarted(node: NodeStatus, pr: PodRun, speed: number): void {
  if (node.phase === 'Pending') node.phase = 'Running';
  // Argo estimates a step from earlier runs of the same template; the sim knows the real run time,
  // so the console's progress bars have something to show (whole wall-clock seconds, like Argo).
  node.estimatedDuration = Math.max(1, Math.round(pr.plan.seconds / speed));
}

/** The pod ended: the node's phase, exit code, result and output parameters, or its failure message. */
export function nodeFinished(
  node: NodeStatus,
  pr: PodRun,
  end: PodEnd,
  templates: TemplateOutputs[] | undefined,
): void {
  if (isFulfilled(node.phase)) return;
  node.phase = pr.phase;
  node.finishedAt = timestamp(end.at);
  node.progress = pr.phase === 'Succeeded' ? '1/1' : '0/1';
  node.outputs = { ...(node.outputs ?? {}), exitCode: String(end.exitCode) };
  if (pr.phase === 'Succeeded') {
    node.outputs.result = pr.plan.result;
    delete node.message;
    const params = outputParameters(
      pr,
      templates?.find((x) => x.name === node.templateName),
    );
    if (params.length) node.outputs.parameters = params;
  } else {
    node.message = end.killedMessage ?? `${end.reason} (exit code ${end.exitCode})`;
  }
  node.resourcesDuration = resourcesDuration(
    pr.demand.requests,
    ((pr.finishedAt ?? end.at) - (pr.startedAt ?? end.at)) / 1000,
  );
}

/** A template's output parameters: from the file the container wrote, else the value or default given. */
function outputParameters(pr: PodRun, t: TemplateOutputs | undefined): Array<{ name: string; value: string }> {
  return (t?.outputs?.parameters ?? []).map((p) => ({
    name: p.name,
    value:
      (p.valueFrom?.path !== undefined ? pr.files?.[p.valueFrom.path] : undefined) ??
      p.value ??
      p.valueFrom?.default ??
      `${p.name}-${pr.name.slice(-6)}`,
  }));
}

/** The pod was deleted from under the step: the node ends in Error. */
export function nodeDeleted(node: NodeStatus, now: number): void {
  if (isFulfilled(node.phase)) return;
  node.phase = 'Error';
  node.message = 'pod deleted';
  node.finishedAt = timestamp(now);
}

// The parts of a Workflow's status the Argo controller derives after each pass: progress and
// resourcesDuration rolled up from the pods, nodes closed when the workflow ends, and the phase
// label and conditions clients select and read.
import { timestamp } from '../time';
import { isFulfilled, type NodeStatus } from './types';
import type { WfRun } from './workflow-run';

type Tally = { progress: [number, number]; resources: Record<string, number> };

const add = (into: Record<string, number>, from: Record<string, number> | undefined) => {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
};
const newTally = (): Tally => ({ progress: [0, 0], resources: {} });
function count(t: Tally, pod: NodeStatus): void {
  t.progress[0] += pod.phase === 'Succeeded' ? 1 : 0;
  t.progress[1] += 1;
  add(t.resources, pod.resourcesDuration);
}

/** progress ("succeeded pods/all pods") and resourcesDuration, per node and for the workflow. */
export function rollup(nodes: Record<string, NodeStatus>, status: Record<string, unknown>): void {
  const byBoundary = new Map<string, Tally>();
  const all = newTally();
  for (const n of Object.values(nodes)) {
    if (n.type !== 'Pod') continue;
    count(all, n);
    // every boundary (Steps/DAG) above the pod; Retry/TaskGroup/StepGroup parents count their children below
    const seen = new Set<string>();
    let b = n.boundaryID;
    while (b && !seen.has(b)) {
      seen.add(b);
      if (!byBoundary.has(b)) byBoundary.set(b, newTally());
      count(byBoundary.get(b)!, n);
      b = nodes[b]?.boundaryID;
    }
  }
  for (const n of Object.values(nodes)) {
    if (n.type === 'Pod') continue;
    let t = byBoundary.get(n.id);
    if (n.type === 'Retry' || n.type === 'TaskGroup' || n.type === 'StepGroup') {
      t = newTally();
      for (const c of n.children ?? []) if (nodes[c]?.type === 'Pod') count(t, nodes[c]);
    }
    if (!t) continue;
    if (t.progress[1] > 0) n.progress = `${t.progress[0]}/${t.progress[1]}`;
    if (Object.keys(t.resources).length) n.resourcesDuration = t.resources;
  }
  status.progress = `${all.progress[0]}/${all.progress[1]}`;
  if (Object.keys(all.resources).length) status.resourcesDuration = all.resources;
}

/** Nodes still open when the workflow ends (a Terminate) are closed like Argo does. */
export function failOpenNodes(nodes: Record<string, NodeStatus>, message: string, now: () => number): void {
  for (const n of Object.values(nodes)) {
    if (!isFulfilled(n.phase)) {
      n.phase = 'Failed';
      n.message = message;
      n.finishedAt = timestamp(now());
    }
  }
}

/** The labels (`workflows.argoproj.io/phase`, `completed`) and conditions after a pass. */
export function markPhase(run: WfRun, completed: boolean): void {
  const { wf } = run;
  const labels = (wf.metadata.labels ??= {});
  labels['workflows.argoproj.io/phase'] = String(wf.status.phase);
  if (completed) labels['workflows.argoproj.io/completed'] = 'true';
  else labels['workflows.argoproj.io/completed'] ??= 'false';
  wf.status.conditions = [
    { type: 'PodRunning', status: run.activePods > 0 ? 'True' : 'False' },
    ...(completed ? [{ type: 'Completed', status: 'True' }] : []),
  ];
}

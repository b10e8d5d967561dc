// "Retry failed steps", as `argo retry` does it (FormulateRetryWorkflow in Argo's
// `workflow/util/util.go`): failed execution nodes and everything below them are removed, the group
// and Retry nodes on the path from the root to them are reset to Running, succeeded work is kept,
// and the controller then re-runs only what is missing. Node ids are deterministic (names hash to
// ids), so the re-created steps get their old ids back.
import YAML from 'yaml';
import type { NodeStatus, Template } from './types';
import { stepPodName } from './step-status';

export type RetryableWorkflow = {
  metadata: { name?: string; labels?: Record<string, string>; [key: string]: unknown };
  spec: Record<string, unknown>;
  status?: { phase?: string; nodes?: Record<string, NodeStatus>; [key: string]: unknown };
};

export interface RetryPlan<W extends RetryableWorkflow> {
  /** The workflow to write back (same metadata.resourceVersion, so a concurrent change conflicts). */
  workflow: W;
  /** Pods of removed steps: deleted before the write so the re-run pods can take their names. */
  podsToDelete: string[];
  /** Node ids removed from status.nodes (re-created by the controller when they run again). */
  removedNodeIds: string[];
  /** Node ids kept but reset to Running. */
  resetNodeIds: string[];
}

export class RetryError extends Error {}

const GROUP_TYPES = new Set(['DAG', 'TaskGroup', 'StepGroup', 'Steps']);
const EXECUTION_TYPES = new Set(['Pod', 'Container', 'HTTP', 'Plugin']);
const failedOrError = (n: NodeStatus | undefined) => n?.phase === 'Failed' || n?.phase === 'Error';

/**
 * The retried copy of a Failed or Error workflow. Throws RetryError for any other phase. `now` is
 * the ISO time written as the new start of the workflow and of each reset node.
 */
export function formulateRetry<W extends RetryableWorkflow>(wf: W, now: string): RetryPlan<W> {
  const phase = wf.status?.phase;
  if (phase !== 'Failed' && phase !== 'Error')
    throw new RetryError(`Only a Failed or Error workflow can be retried; this one is ${phase || 'not started'}`);
  const name = wf.metadata.name ?? '';
  const nodes = wf.status?.nodes ?? {};
  const onExitName = `${name}.onExit`;

  // One parent per node, taken in sorted id order so the path (and what is reset) is stable.
  const parent = new Map<string, string>();
  for (const id of Object.keys(nodes).sort()) for (const c of nodes[id].children ?? []) parent.set(c, id);

  const hasSucceededBelow = (id: string, seen = new Set<string>()): boolean => {
    for (const c of nodes[id]?.children ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      if (nodes[c]?.phase === 'Succeeded' || hasSucceededBelow(c, seen)) return true;
    }
    return false;
  };
  const failed = new Set<string>();
  for (const [id, n] of Object.entries(nodes)) {
    if (!failedOrError(n) || !EXECUTION_TYPES.has(n.type ?? '')) continue;
    // An attempt under a Retry node counts as done when a later attempt succeeded.
    const owner =
      n.nodeFlag?.retried && parent.has(id) && nodes[parent.get(id)!]?.type === 'Retry' ? parent.get(id)! : id;
    if (!hasSucceededBelow(owner)) failed.add(id);
  }

  const descendants = (id: string): string[] => {
    const out: string[] = [];
    const seen = new Set([id]);
    const queue = [id];
    while (queue.length) {
      for (const c of nodes[queue.shift()!]?.children ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        out.push(c);
        queue.push(c);
      }
    }
    return out;
  };
  // Breadth-first from the root: a node removed with an ancestor is not walked again.
  const order = [name, ...descendants(name)].filter((id) => nodes[id]);
  const toDelete = new Set<string>();
  const toReset = new Set<string>();
  for (const id of order) {
    if (!failed.has(id) || toDelete.has(id)) continue;
    toDelete.add(id);
    for (const d of descendants(id)) toDelete.add(d);
    resetPathAbove(id);
  }

  function resetPathAbove(start: string): void {
    let cur: string | undefined = parent.get(start);
    while (cur !== undefined) {
      const n: NodeStatus | undefined = nodes[cur];
      if (!n) return;
      if (GROUP_TYPES.has(n.type ?? '')) {
        toReset.add(cur);
        cur = resetBoundaries(cur);
        continue;
      }
      if (n.type === 'Retry' && failedOrError(n)) toReset.add(cur);
      cur = parent.get(cur);
    }
  }

  // From a group node up: its Retry/StepGroup/TaskGroup parent and each enclosing boundary are reset.
  function resetBoundaries(start: string): string | undefined {
    let cur = start;
    for (;;) {
      let p = parent.get(cur);
      if (p !== undefined && nodes[p]?.type === 'Retry') {
        toReset.add(p);
        cur = p;
        p = parent.get(cur);
      }
      if (p !== undefined && (nodes[p]?.type === 'StepGroup' || nodes[p]?.type === 'TaskGroup')) toReset.add(p);
      const boundary = nodes[cur]?.boundaryID;
      if (!boundary) return parent.get(cur);
      let walk: string | undefined = cur;
      while (walk !== undefined && walk !== boundary) walk = parent.get(walk);
      if (walk === undefined) return undefined;
      toReset.add(boundary);
      cur = boundary;
    }
  }

  const podsToDelete = new Set<string>();
  const removed = new Set<string>();
  const podOf = (n: NodeStatus) => stepPodName(name, n.name, n.templateRef?.template ?? n.templateName);
  for (const id of toDelete) if (nodes[id]?.type === 'Pod') podsToDelete.add(podOf(nodes[id]));
  const newNodes: Record<string, NodeStatus> = {};
  for (const [id, n] of Object.entries(nodes)) {
    if (toDelete.has(id) || n.name.startsWith(onExitName)) {
      // The exit handler runs again after the retried workflow ends.
      if (n.type === 'Pod') podsToDelete.add(podOf(n));
      removed.add(id);
      continue;
    }
    const copy: NodeStatus = structuredClone(n);
    if (toReset.has(id)) {
      if (copy.phase !== 'Skipped') copy.phase = 'Running';
      delete copy.message;
      copy.startedAt = now;
      copy.finishedAt = null;
    }
    if (copy.children) copy.children = copy.children.filter((c) => !toDelete.has(c));
    if (copy.outboundNodes) copy.outboundNodes = copy.outboundNodes.filter((c) => !toDelete.has(c));
    newNodes[id] = copy;
  }

  const out = structuredClone(wf);
  const labels = { ...(out.metadata.labels ?? {}) };
  delete labels['workflows.argoproj.io/completed'];
  delete labels['workflows.argoproj.io/workflow-archiving-status'];
  labels['workflows.argoproj.io/phase'] = 'Running';
  out.metadata.labels = labels;
  delete out.spec.shutdown;
  // A deadline of 0 is how a workflow was stopped; a retried one runs without it.
  if (out.spec.activeDeadlineSeconds === 0) delete out.spec.activeDeadlineSeconds;
  const status = { ...(out.status ?? {}) };
  status.phase = 'Running';
  status.startedAt = now;
  status.finishedAt = null;
  delete status.message;
  const conditions = ((status.conditions as Array<{ type: string; status: string }> | undefined) ?? []).filter(
    (c) => c.type !== 'Completed',
  );
  status.conditions = [...conditions, { type: 'Completed', status: 'False' }];
  status.nodes = newNodes;
  out.status = status;
  return {
    workflow: out,
    podsToDelete: [...podsToDelete].sort(),
    removedNodeIds: [...removed].sort(),
    resetNodeIds: [...toReset].filter((id) => !toDelete.has(id)).sort(),
  };
}

/**
 * The Workflows that `resource` steps removed by a retry had created (action create of a named
 * Workflow: the parts of a sweep split into parts), to delete before the retried workflow is
 * written back. `argo retry` leaves such children alone, and the step it runs again does
 * `kubectl create` of the same manifest (argoexec ExecResource), which fails with AlreadyExists
 * whatever state the child is in, so a failed part could never run again. Deleted first, the child
 * is created afresh by the re-run step and does only what is left (a part asks Gantry for its
 * configurations that have no result yet). Names built from anything but the step's input
 * parameters and the workflow's name are not guessed.
 */
export function listWorkflowsToRecreate(wf: RetryableWorkflow, removedNodeIds: readonly string[]): string[] {
  const nodes = wf.status?.nodes ?? {};
  const stored = wf.status?.storedWorkflowTemplateSpec as { templates?: Template[] } | undefined;
  const templates = [...((wf.spec.templates as Template[] | undefined) ?? []), ...(stored?.templates ?? [])];
  const names = new Set<string>();
  for (const id of removedNodeIds) {
    const node = nodes[id];
    const resource = templates.find((t) => t.name === node?.templateName)?.resource;
    if (node?.type !== 'Pod' || resource?.action !== 'create' || !resource.manifest) continue;
    const inputs = new Map((node.inputs?.parameters ?? []).map((p) => [p.name, p.value]));
    const manifest = resource.manifest
      .replace(/\{\{\s*inputs\.parameters\.([\w-]+)\s*\}\}/g, (whole, name: string) => inputs.get(name) ?? whole)
      .replace(/\{\{\s*workflow\.name\s*\}\}/g, wf.metadata.name ?? '');
    let child: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
    try {
      child = YAML.parse(manifest) as typeof child;
    } catch {
      continue; // the step fails on it again, as it did before
    }
    const name = child?.metadata?.name;
    if (
      child?.kind !== 'Workflow' ||
      String(child.apiVersion).split('/')[0] !== 'argoproj.io' ||
      typeof name !== 'string' ||
      !name ||
      name.includes('{{')
    )
      continue;
    names.add(name);
  }
  return [...names].sort();
}

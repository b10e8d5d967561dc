// "Retry failed steps", as `argo retry` does it (FormulateRetryWorkflow in Argo's
// `workflow/util/util.go`): failed execution nodes and everything below them are removed, the group
// and Retry nodes on the path from the root to them are reset to Running, succeeded work is kept,
// and the controller then re-runs only what is missing. Node ids are deterministic (names hash to
// ids), so the re-created steps get their old ids back.
import YAML from 'yaml';
import type { NodeStatus, Template } from './types';
import { stepPodName } from './pod-name';

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

type Nodes = Record<string, NodeStatus>;

/** The node tree as a retry walks it: the nodes by id and one parent per node. */
interface NodeTree {
  nodes: Nodes;
  parent: Map<string, string>;
}

/**
 * The retried copy of a Failed or Error workflow. Throws RetryError for any other phase. `now` is
 * the ISO time written as the new start of the workflow and of each reset node.
 */
export function formulateRetry<W extends RetryableWorkflow>(wf: W, now: string): RetryPlan<W> {
  const phase = wf.status?.phase;
  if (phase !== 'Failed' && phase !== 'Error')
    throw new RetryError(`Only a Failed or Error workflow can be retried; this one is ${phase || 'not started'}`);
  const name = wf.metadata.name ?? '';
  const tree = buildTree(wf.status?.nodes ?? {});
  const { toDelete, toReset } = planRetry(tree, name, findFailedSteps(tree));
  const kept = pruneNodes(tree.nodes, name, toDelete, toReset, now);
  return {
    workflow: restartWorkflow(wf, kept.nodes, now),
    podsToDelete: [...kept.podsToDelete].sort(),
    removedNodeIds: [...kept.removed].sort(),
    resetNodeIds: [...toReset].filter((id) => !toDelete.has(id)).sort(),
  };
}

// One parent per node, taken in sorted id order so the path (and what is reset) is stable.
function buildTree(nodes: Nodes): NodeTree {
  const parent = new Map<string, string>();
  for (const id of Object.keys(nodes).sort()) for (const c of nodes[id].children ?? []) parent.set(c, id);
  return { nodes, parent };
}

/** Failed or Error execution nodes with no succeeded work below them. */
function findFailedSteps({ nodes, parent }: NodeTree): Set<string> {
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
  return failed;
}

/** Every node below `id`, breadth-first. */
function listDescendants(nodes: Nodes, id: string): string[] {
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
}

/** What goes (the failed steps and all below them) and what runs again (the nodes above them). */
function planRetry(tree: NodeTree, root: string, failed: Set<string>) {
  const { nodes } = tree;
  // Breadth-first from the root: a node removed with an ancestor is not walked again.
  const order = [root, ...listDescendants(nodes, root)].filter((id) => nodes[id]);
  const toDelete = new Set<string>();
  const toReset = new Set<string>();
  for (const id of order) {
    if (!failed.has(id) || toDelete.has(id)) continue;
    toDelete.add(id);
    for (const d of listDescendants(nodes, id)) toDelete.add(d);
    resetPathAbove(tree, id, toReset);
  }
  return { toDelete, toReset };
}

function resetPathAbove(tree: NodeTree, start: string, toReset: Set<string>): void {
  const { nodes, parent } = tree;
  let cur: string | undefined = parent.get(start);
  while (cur !== undefined) {
    const n: NodeStatus | undefined = nodes[cur];
    if (!n) return;
    if (GROUP_TYPES.has(n.type ?? '')) {
      toReset.add(cur);
      cur = resetBoundaries(tree, cur, toReset);
      continue;
    }
    if (n.type === 'Retry' && failedOrError(n)) toReset.add(cur);
    cur = parent.get(cur);
  }
}

// From a group node up: its Retry/StepGroup/TaskGroup parent and each enclosing boundary are reset.
function resetBoundaries({ nodes, parent }: NodeTree, start: string, toReset: Set<string>): string | undefined {
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

/** status.nodes without the removed nodes, the reset ones Running again; and the pods that go. */
function pruneNodes(nodes: Nodes, name: string, toDelete: Set<string>, toReset: Set<string>, now: string) {
  const onExitName = `${name}.onExit`;
  const podsToDelete = new Set<string>();
  const removed = new Set<string>();
  const podOf = (n: NodeStatus) => stepPodName(name, n.name, n.templateRef?.template ?? n.templateName);
  for (const id of toDelete) if (nodes[id]?.type === 'Pod') podsToDelete.add(podOf(nodes[id]));
  const kept: Nodes = {};
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
    kept[id] = copy;
  }
  return { nodes: kept, podsToDelete, removed };
}

/** A copy of the workflow Running again from `now` with these nodes: no completion, no stop. */
function restartWorkflow<W extends RetryableWorkflow>(wf: W, nodes: Nodes, now: string): W {
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
  status.nodes = nodes;
  out.status = status;
  return out;
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

// What the DAG view draws. A node with more than 3 children shows the first, an "N hidden"
// placeholder and the last, until the user expands it; a long chain (the 400-step Kubeflow graph)
// collapses the same way. Past 250 nodes / 500 edges a drawn graph stops being readable, so the
// view switches to a grid (sweeps) or a list.
import { findSweepFanOut } from './grid';
import { createGraphNode, indexChildren, type GraphEdge, type GraphNode, type WorkflowGraph } from './graph-model';

const MAX_VISIBLE_CHILDREN = 3;
const MAX_CHAIN = 5;
export const DEFAULT_VIEW_MAX_NODES = 60;
export const GRAPH_MAX_NODES = 250;
export const GRAPH_MAX_EDGES = 500;

export const HIDDEN_TYPE = 'Hidden';

export interface CollapseOptions {
  /** Ids of nodes (fan-out parents, or the first node of a chain) the user expanded. */
  expanded?: ReadonlySet<string>;
  maxVisibleChildren?: number;
  maxChain?: number;
}

export interface GraphView {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Placeholder id -> what expanding it reveals; the UI sends `expandKey` back in `expanded`. */
  placeholders: Record<string, { expandKey: string; hiddenIds: string[] }>;
}

export function collapseGraph(graph: WorkflowGraph, options: CollapseOptions = {}): GraphView {
  const expanded = options.expanded ?? new Set<string>();
  const maxChildren = options.maxVisibleChildren ?? MAX_VISIBLE_CHILDREN;
  const children = indexChildren(graph);
  const hasParent = new Set(graph.edges.map((e) => e.to));

  const visible = new Set<string>();
  const queue: string[] = graph.nodes.filter((n) => !hasParent.has(n.id)).map((n) => n.id);
  if (queue.length === 0 && graph.nodes.length > 0) queue.push(graph.nodes[0].id);
  const placeholders: GraphView['placeholders'] = {};
  const extraNodes: GraphNode[] = [];
  const extraEdges: GraphEdge[] = [];
  for (const id of queue) visible.add(id);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    let kids = children.get(id) ?? [];
    if (kids.length > maxChildren && !expanded.has(id)) {
      const hidden = kids.slice(1, -1);
      const placeholderId = `${id}::hidden`;
      placeholders[placeholderId] = { expandKey: id, hiddenIds: hidden };
      extraNodes.push(
        createGraphNode({ id: placeholderId, label: `${hidden.length} hidden`, type: HIDDEN_TYPE, parentId: id }),
      );
      extraEdges.push({ from: id, to: placeholderId });
      kids = [kids[0], kids[kids.length - 1]];
    }
    for (const kid of kids) {
      if (!visible.has(kid)) {
        visible.add(kid);
        queue.push(kid);
      }
    }
  }
  // A placeholder leads to whatever its hidden nodes led to that is still drawn (a fan-in).
  for (const [placeholderId, { hiddenIds }] of Object.entries(placeholders)) {
    const targets = new Set<string>();
    for (const hiddenId of hiddenIds) {
      if (visible.has(hiddenId)) continue;
      for (const next of children.get(hiddenId) ?? []) if (visible.has(next)) targets.add(next);
    }
    for (const target of targets) extraEdges.push({ from: placeholderId, to: target });
  }

  const nodes = [...graph.nodes.filter((n) => visible.has(n.id)), ...extraNodes];
  const edges = [...graph.edges.filter((e) => visible.has(e.from) && visible.has(e.to)), ...extraEdges];
  return collapseChains({ nodes, edges, placeholders }, expanded, options.maxChain ?? MAX_CHAIN);
}

/** Runs of single-in, single-out nodes longer than maxChain become first, "N hidden", last. */
function collapseChains(view: GraphView, expanded: ReadonlySet<string>, maxChain: number): GraphView {
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, number>();
  for (const e of view.edges) {
    const list = outgoing.get(e.from);
    if (list) list.push(e.to);
    else outgoing.set(e.from, [e.to]);
    incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1);
  }
  const isLink = (id: string) => incoming.get(id) === 1 && (outgoing.get(id)?.length ?? 0) === 1;
  const parentOf = new Map(view.edges.map((e) => [e.to, e.from]));
  const hidden = new Set<string>();
  const placeholders = { ...view.placeholders };
  const nodes = [...view.nodes];
  const edges: GraphEdge[] = [];
  const replaced: GraphEdge[] = [];
  for (const node of view.nodes) {
    // Start only at the first link of a run.
    if (!isLink(node.id) || isLink(parentOf.get(node.id) ?? '')) continue;
    const run = [node.id];
    const inRun = new Set(run);
    let next = outgoing.get(node.id)![0];
    while (isLink(next) && !inRun.has(next)) {
      run.push(next);
      inRun.add(next);
      next = outgoing.get(next)![0];
    }
    if (run.length <= maxChain || expanded.has(`chain:${run[0]}`)) continue;
    const inner = run.slice(1, -1);
    const placeholderId = `${run[0]}::chain`;
    for (const id of inner) hidden.add(id);
    placeholders[placeholderId] = { expandKey: `chain:${run[0]}`, hiddenIds: inner };
    nodes.push(
      createGraphNode({ id: placeholderId, label: `${inner.length} hidden`, type: HIDDEN_TYPE, parentId: run[0] }),
    );
    replaced.push({ from: run[0], to: placeholderId }, { from: placeholderId, to: run[run.length - 1] });
  }
  if (hidden.size === 0) return view;
  for (const e of view.edges) if (!hidden.has(e.from) && !hidden.has(e.to)) edges.push(e);
  return { nodes: nodes.filter((n) => !hidden.has(n.id)), edges: [...edges, ...replaced], placeholders };
}

export type ViewMode = 'graph' | 'grid' | 'list';

export interface WorkflowView extends GraphView {
  mode: ViewMode;
  /** Why the mode was chosen, for the UI to say so. */
  reason: string;
  totalNodes: number;
  totalEdges: number;
}

/**
 * The default view: collapsed graph. With nodes expanded, the graph is kept while it stays within
 * 250 nodes / 500 edges; past that the UI shows a grid (a sweep) or a list, and the collapsed
 * graph stays available as an overview.
 */
export function buildView(graph: WorkflowGraph, options: CollapseOptions = {}): WorkflowView {
  const totals = { totalNodes: graph.nodes.length, totalEdges: graph.edges.length };
  const view = collapseGraph(graph, options);
  if (view.nodes.length <= GRAPH_MAX_NODES && view.edges.length <= GRAPH_MAX_EDGES) {
    return { ...view, ...totals, mode: 'graph', reason: `${view.nodes.length} of ${graph.nodes.length} nodes drawn` };
  }
  const overview = collapseGraph(graph, { ...options, expanded: new Set() });
  const sweep = findSweepFanOut(graph);
  const mode: ViewMode = sweep ? 'grid' : 'list';
  return {
    ...overview,
    ...totals,
    mode,
    reason: `expanded view has ${view.nodes.length} nodes and ${view.edges.length} edges (limit ${GRAPH_MAX_NODES}/${GRAPH_MAX_EDGES})`,
  };
}

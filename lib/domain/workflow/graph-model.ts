// The DAG view model shared by the preview (from a Workflow's spec) and the live view (from
// status.nodes). Node fields mirror Argo's NodeStatus so both sources read alike in the UI.
import type { NodePhase } from './types';

export interface GraphNode {
  id: string;
  label: string;
  /** Argo's node type (Pod, DAG, Steps, StepGroup, TaskGroup, Retry, Skipped, Suspend, ...). */
  type: string;
  /** null in a preview: nothing has run. */
  phase: NodePhase | null;
  templateName: string | null;
  parentId: string | null;
  boundaryId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Argo's own `progress` ("3/5"): finished pods under this node. */
  progress: { done: number; total: number } | null;
  /** A running node against Argo's estimatedDuration (from earlier runs); fraction may pass 1. */
  estimate: { seconds: number; fraction: number } | null;
  message: string | null;
  exitCode: number | null;
  isRetry: boolean;
  isExitHandler: boolean;
  /** Fan-out known only at run time (withParam from an output): the preview draws one node. */
  isDynamicFanOut: boolean;
  /** Input parameter values, for the sweep grid. */
  parameters: Record<string, string>;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface WorkflowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function createGraphNode(fields: Partial<GraphNode> & Pick<GraphNode, 'id' | 'label' | 'type'>): GraphNode {
  return {
    phase: null,
    templateName: null,
    parentId: null,
    boundaryId: null,
    startedAt: null,
    finishedAt: null,
    progress: null,
    estimate: null,
    message: null,
    exitCode: null,
    isRetry: false,
    isExitHandler: false,
    isDynamicFanOut: false,
    parameters: {},
    ...fields,
  };
}

/** Children of each node in edge order; the collapse and grid read the graph through this. */
export function indexChildren(graph: WorkflowGraph): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const node of graph.nodes) children.set(node.id, []);
  for (const edge of graph.edges) children.get(edge.from)?.push(edge.to);
  return children;
}

// What POST /api/workflows/preview answers for { yaml }: the graph the workflow will produce and
// every validation problem, before anything is submitted. Pure: the route handler only parses the
// request and returns this.
import { buildView, type ViewMode } from './collapse';
import type { GraphEdge, GraphNode } from './graph-model';
import { parseWorkflowText } from './parse';
import { buildPreviewGraph } from './preview-graph';
import type { WorkflowValidator } from './schema';
import type { WorkflowProblem } from './types';

export interface WorkflowPreview {
  nodes: GraphNode[];
  edges: GraphEdge[];
  problems: WorkflowProblem[];
  mode: ViewMode;
  totalNodes: number;
  totalEdges: number;
  placeholders: Record<string, { expandKey: string; hiddenIds: string[] }>;
}

export function previewWorkflow(
  text: string,
  options: { expanded?: Iterable<string>; validator?: WorkflowValidator } = {},
): WorkflowPreview {
  const parsed = parseWorkflowText(text, options.validator);
  if (!parsed.workflow) {
    return {
      nodes: [],
      edges: [],
      problems: parsed.problems,
      mode: 'graph',
      totalNodes: 0,
      totalEdges: 0,
      placeholders: {},
    };
  }
  // Draw even a workflow with schema problems: seeing the shape helps fix them.
  const { graph, problems } = buildPreviewGraph(parsed.workflow);
  const view = buildView(graph, { expanded: new Set(options.expanded ?? []) });
  // Placeholders list every hidden id; a 10,000-item fan-out would ship them all, so send counts.
  const placeholders = Object.fromEntries(
    Object.entries(view.placeholders).map(([id, p]) => [id, { expandKey: p.expandKey, hiddenIds: [] }]),
  );
  return {
    nodes: view.nodes,
    edges: view.edges,
    problems: [...parsed.problems, ...problems],
    mode: view.mode,
    totalNodes: view.totalNodes,
    totalEdges: view.totalEdges,
    placeholders,
  };
}

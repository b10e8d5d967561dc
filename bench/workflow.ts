// `npm run bench workflow`: building the default (collapsed) view of a 10,000-step
// workflow, Mermaid text for a 250-node view and the DAG layout of a 250-node view. Each function runs the work once and returns
// what it produced, so the runner can time it and check it did the work.
import { buildWorkflow } from '@/lib/domain/workflow/builders';
import { buildView } from '@/lib/domain/workflow/collapse';
import { layoutDag } from '@/lib/domain/workflow/dag-layout';
import { createGraphNode, type WorkflowGraph } from '@/lib/domain/workflow/graph-model';
import { renderMermaid } from '@/lib/domain/workflow/mermaid';
import { buildPreviewGraph } from '@/lib/domain/workflow/preview-graph';
import { makeEmbeddingJob } from '@/lib/domain/workflow/test-jobs';
import type { Workflow } from '@/lib/domain/workflow/types';

/** The example batch-embedding job's Workflow: 10,000 chunks, a literal fan-out between prepare and merge. */
function generateFanOutWorkflow(): Workflow {
  return buildWorkflow(makeEmbeddingJob()).workflow;
}

/** A chain-and-branches graph of exactly `count` nodes that the collapse leaves as is. */
function generateGraph(count = 250): WorkflowGraph {
  const nodes = Array.from({ length: count }, (_, i) =>
    createGraphNode({
      id: `node-${i}`,
      label: `step "${i}" <b>#${i}</b>; done`,
      type: 'Pod',
      phase: (['Succeeded', 'Running', 'Failed', 'Pending'] as const)[i % 4],
      templateName: 'work',
      parentId: i === 0 ? null : `node-${Math.floor((i - 1) / 2)}`,
    }),
  );
  const edges = nodes.slice(1).map((n) => ({ from: n.parentId!, to: n.id }));
  return { nodes, edges };
}

function benchCollapsedView(workflow: Workflow = generateFanOutWorkflow()): number {
  const { graph } = buildPreviewGraph(workflow);
  return buildView(graph).nodes.length;
}

function benchMermaid(graph: WorkflowGraph = generateGraph()): number {
  const styles = { Succeeded: { fill: '#16a34a' }, Failed: { fill: '#dc2626' }, Running: { fill: '#2563eb' } };
  return renderMermaid(graph, { styles }).length;
}

/** dagre layout of 25 layers of 10 steps, each depending on two of the layer above (250 nodes, 480 edges). */
function benchLayout(): number {
  const nodes = [];
  const edges = [];
  for (let l = 0; l < 25; l++) {
    for (let w = 0; w < 10; w++) {
      nodes.push({ ...generateGraph(1).nodes[0], id: `${l}-${w}`, label: `step-${l}-${w}`, parentId: null });
      if (l > 0)
        edges.push({ from: `${l - 1}-${w}`, to: `${l}-${w}` }, { from: `${l - 1}-${(w + 1) % 10}`, to: `${l}-${w}` });
    }
  }
  return layoutDag({ nodes, edges }).nodes.length;
}

export const benches = {
  'workflow: collapsed view of a 10,000-step fan-out': benchCollapsedView,
  'workflow: mermaid text for 250 nodes': benchMermaid,
  'workflow: dagre layout of 250 nodes / 480 edges': benchLayout,
} as const;

// Benchmarks for `npm run bench`: building the default (collapsed) view of a 10,000-step
// workflow, Mermaid text for a 250-node view and the DAG layout of a 250-node view. Each function runs the work once and returns
// what it produced, so the runner can time it and check it did the work.
import { buildView } from './collapse';
import { layoutDag } from './dag-layout';
import type { WorkflowGraph } from './graph-model';
import { renderMermaid } from './mermaid';
import { buildPreviewGraph } from './preview-graph';
import type { Workflow } from './types';

/** A literal 10,000-item fan-out between a prepare and a merge step, as the embedding builder makes. */
export function generateFanOutWorkflow(steps = 10_000): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: `fan-out-${steps}` },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'prepare', template: 'work' },
              {
                name: 'embed',
                template: 'work',
                depends: 'prepare',
                withSequence: { count: String(steps) },
                arguments: { parameters: [{ name: 'chunk', value: '{{item}}' }] },
              },
              { name: 'merge', template: 'work', depends: 'embed' },
            ],
          },
        },
        { name: 'work', inputs: { parameters: [{ name: 'chunk', value: '-' }] }, container: { image: 'busybox' } },
      ],
    },
  };
}

/** A chain-and-branches graph of exactly `count` nodes that the collapse leaves as is. */
function generateGraph(count = 250): WorkflowGraph {
  const nodes = Array.from({ length: count }, (_, i) => ({
    id: `node-${i}`,
    label: `step "${i}" <b>#${i}</b>; done`,
    type: 'Pod',
    phase: (['Succeeded', 'Running', 'Failed', 'Pending'] as const)[i % 4],
    templateName: 'work',
    parentId: i === 0 ? null : `node-${Math.floor((i - 1) / 2)}`,
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
  }));
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

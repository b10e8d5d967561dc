import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import {
  buildView,
  collapseGraph,
  DEFAULT_VIEW_MAX_NODES,
  GRAPH_MAX_EDGES,
  GRAPH_MAX_NODES,
  HIDDEN_TYPE,
} from './collapse';
import { decodeCompressedNodes } from './decode-nodes';
import { createGraphNode, type GraphEdge, type WorkflowGraph } from './graph-model';
import { buildLiveGraph } from './live-graph';
import { buildPreviewGraph } from './preview-graph';
import type { Workflow } from './types';

/** A literal `steps`-item fan-out between a prepare and a merge step, as the embedding builder makes. */
function generateFanOutWorkflow(steps: number): Workflow {
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

function fanOut(children: number): WorkflowGraph {
  const nodes = [createGraphNode({ id: 'root', label: 'root', type: 'DAG' })];
  const edges: GraphEdge[] = [];
  for (let i = 0; i < children; i++) {
    nodes.push(createGraphNode({ id: `c${i}`, label: `c${i}`, type: 'Pod' }));
    edges.push({ from: 'root', to: `c${i}` });
  }
  return { nodes, edges };
}

describe('collapseGraph', () => {
  it('leaves 3 children alone and folds 4 into first, "2 hidden", last', () => {
    expect(collapseGraph(fanOut(3)).nodes).toHaveLength(4);
    const view = collapseGraph(fanOut(4));
    expect(view.nodes.map((n) => n.label)).toEqual(['root', 'c0', 'c3', '2 hidden']);
    expect(view.placeholders['root::hidden']).toEqual({ expandKey: 'root', hiddenIds: ['c1', 'c2'] });
  });

  it('expands on request', () => {
    expect(collapseGraph(fanOut(10), { expanded: new Set(['root']) }).nodes).toHaveLength(11);
  });

  it('draws a 10,000-step fan-out with at most 60 nodes, keeping the fan-in', () => {
    const { graph } = buildPreviewGraph(generateFanOutWorkflow(10_000));
    expect(graph.nodes.length).toBe(10_000 + 4); // DAG, prepare, TaskGroup + 10,000 instances, merge
    const view = buildView(graph);
    expect(view.mode).toBe('graph');
    expect(view.nodes.length).toBeLessThanOrEqual(DEFAULT_VIEW_MAX_NODES);
    const merge = view.nodes.find((n) => n.label === 'merge')!;
    const placeholder = view.nodes.find((n) => n.type === HIDDEN_TYPE)!;
    expect(placeholder.label).toBe('9998 hidden');
    expect(view.edges).toContainEqual({ from: placeholder.id, to: merge.id });
  });

  it('switches to a grid or list when the expanded graph passes 250 nodes / 500 edges', () => {
    const { graph } = buildPreviewGraph(generateFanOutWorkflow(10_000));
    const group = graph.nodes.find((n) => n.type === 'TaskGroup')!;
    const view = buildView(graph, { expanded: new Set([group.id]) });
    expect(view.mode).toBe('grid'); // instances carry their chunk parameter
    expect(view.nodes.length).toBeLessThanOrEqual(DEFAULT_VIEW_MAX_NODES); // the overview stays small
    const small = buildView(buildPreviewGraph(generateFanOutWorkflow(200)).graph, { expanded: new Set([group.id]) });
    expect(small.mode).toBe('graph');
    expect(small.nodes.length).toBeLessThanOrEqual(GRAPH_MAX_NODES);
    expect(small.edges.length).toBeLessThanOrEqual(GRAPH_MAX_EDGES);
  });

  it('keeps every drawn edge between drawn nodes and accounts for every hidden child (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 8 }), (widths) => {
        // A chain of fan-outs: each level fans out from the previous level's first child.
        const nodes = [createGraphNode({ id: 'r', label: 'r', type: 'DAG' })];
        const edges: GraphEdge[] = [];
        let parent = 'r';
        widths.forEach((width, level) => {
          for (let i = 0; i < width; i++) {
            nodes.push(createGraphNode({ id: `${level}-${i}`, label: 'x', type: 'Pod' }));
            edges.push({ from: parent, to: `${level}-${i}` });
          }
          if (width > 0) parent = `${level}-0`;
        });
        const view = collapseGraph({ nodes, edges }, { maxChain: Infinity });
        const ids = new Set(view.nodes.map((n) => n.id));
        for (const e of view.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
        const hidden = Object.values(view.placeholders).reduce((sum, p) => sum + p.hiddenIds.length, 0);
        expect(view.nodes.filter((n) => n.type !== HIDDEN_TYPE).length + hidden).toBe(nodes.length);
      }),
    );
  });
});

describeWithReference('collapse on real status trees', () => {
  it('folds the 400-task chain into a short drawing, and expands it back', () => {
    const workflow = JSON.parse(
      readReference('argo/status-fixtures/kubeflow-pipelines-mock-runtimes/large-graph-runtime.json'),
    ) as Workflow;
    const { graph } = buildLiveGraph(workflow, { decodeNodes: decodeCompressedNodes });
    const view = buildView(graph);
    expect(view.nodes.length).toBeLessThanOrEqual(DEFAULT_VIEW_MAX_NODES);
    const [key] = Object.values(view.placeholders).map((p) => p.expandKey);
    const expanded = buildView(graph, { expanded: new Set([key]) });
    expect(expanded.mode).toBe('list'); // 401 nodes is past the drawable limit, and no sweep
  });
});

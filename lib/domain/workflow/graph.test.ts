import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithReference, readReference, referencePath } from '@/lib/testing/reference';
import { decodeCompressedNodes } from './decode-nodes';
import type { WorkflowGraph } from './graph-model';
import { buildLiveGraph, parseProgress } from './live-graph';
import { parseWorkflowText } from './parse';
import { buildPreviewGraph, listLiteralItems } from './preview-graph';
import { listReferenceFiles } from './reference-files.test-helpers';
import type { NodeStatus, Workflow } from './types';
import { gzipSync } from 'node:zlib';
import * as yamlModule from 'yaml';

function expectWellFormed(graph: WorkflowGraph) {
  const ids = new Set(graph.nodes.map((n) => n.id));
  expect(ids.size).toBe(graph.nodes.length);
  for (const edge of graph.edges) {
    expect(ids.has(edge.from)).toBe(true);
    expect(ids.has(edge.to)).toBe(true);
  }
}

function countByType(graph: WorkflowGraph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of graph.nodes) counts[node.type] = (counts[node.type] ?? 0) + 1;
  return counts;
}

describeWithReference('preview graph of every Argo example', () => {
  const files = listReferenceFiles('argo/examples');
  it('finds the 143 examples', () => expect(files).toHaveLength(143));

  it.each(files)('%s', (file) => {
    const text = readReference('argo/examples', file);
    // parseWorkflowText accepts one Workflow; templates and multi-document files are drawn per document.
    const parsed = parseWorkflowText(text);
    const workflows: Workflow[] = parsed.workflow ? [parsed.workflow] : readSpecDocuments(text);
    if (workflows.length === 0) {
      // configmaps/simple-parameters-configmap.yaml holds only the ConfigMap other examples read.
      const kinds = yamlModule.parseAllDocuments(text).map((d) => (d.toJS() as { kind?: string }).kind);
      expect(kinds).toEqual(['ConfigMap']);
    }
    for (const workflow of workflows) {
      const { graph, problems } = buildPreviewGraph(workflow);
      expectWellFormed(graph);
      expect(problems.filter((p) => /not found|cycle/.test(p.message))).toEqual([]);
      // Every template reachable from the entrypoint is drawn at least once (or the library is drawn whole).
      const drawn = new Set(graph.nodes.map((n) => n.templateName));
      const entry = workflow.spec.entrypoint;
      if (entry) expect(drawn.has(entry)).toBe(true);
      expect(graph.nodes.length).toBeGreaterThanOrEqual(1);
    }
    if (parsed.workflow) expect(parsed.problems).toEqual([]);
  });
});

// Non-Workflow kinds (WorkflowTemplate, CronWorkflow) hold the same spec; ConfigMaps have none.
function readSpecDocuments(text: string): Workflow[] {
  return yamlModule
    .parseAllDocuments(text, { logLevel: 'error' })
    .map((d) => d.toJS() as { kind?: string; spec?: Record<string, unknown> } | null)
    .filter((o) => o !== null && o.kind !== 'ConfigMap')
    .map((o) => (o!.kind === 'CronWorkflow' ? { ...o, spec: o!.spec?.workflowSpec } : o) as Workflow);
}

describeWithReference('preview graph node counts checked by hand', () => {
  const cases: Array<[string, number, Record<string, number>]> = [
    // DAG + A, B, C, D
    ['dag-diamond.yaml', 5, { DAG: 1, Pod: 4 }],
    // Steps + [0] hello1 + [1] hello2a hello2b
    ['steps.yaml', 6, { Steps: 1, StepGroup: 2, Pod: 3 }],
    // Steps + [0] + 4 items of withItems
    ['loops-maps.yaml', 6, { Steps: 1, StepGroup: 1, Pod: 4 }],
    ['dag-multiroot.yaml', 5, { DAG: 1, Pod: 4 }],
    // Steps + [0] flip-coin + [1] heads, tails (tails calls coinflip again: drawn once, marked)
    ['coinflip-recursive.yaml', 6, { Steps: 1, StepGroup: 2, Pod: 2, Recursion: 1 }],
  ];
  it.each(cases)('%s has %i nodes', (file, count, types) => {
    const parsed = parseWorkflowText(readReference('argo/examples', file));
    const { graph } = buildPreviewGraph(parsed.workflow!);
    expect(graph.nodes).toHaveLength(count);
    const counts = countByType(graph);
    for (const [type, n] of Object.entries(types)) if (n > 0) expect(counts[type]).toBe(n);
  });

  it('dag-diamond edges follow dependencies', () => {
    const { graph } = buildPreviewGraph(
      parseWorkflowText(readReference('argo/examples', 'dag-diamond.yaml')).workflow!,
    );
    const label = (id: string) => graph.nodes.find((n) => n.id === id)!.label;
    expect(graph.edges.map((e) => `${label(e.from)}->${label(e.to)}`).sort()).toEqual(
      ['A->B', 'A->C', 'B->D', 'C->D', 'dag-diamond->A'].sort(),
    );
  });

  it('marks exit handlers and retries', () => {
    const exit = buildPreviewGraph(
      parseWorkflowText(readReference('argo/examples', 'exit-handlers.yaml')).workflow!,
    ).graph;
    expect(exit.nodes.filter((n) => n.isExitHandler).map((n) => n.templateName)).toEqual(['exit-handler']);
    const retry = buildPreviewGraph(
      parseWorkflowText(readReference('argo/examples', 'retry-backoff.yaml')).workflow!,
    ).graph;
    expect(retry.nodes.some((n) => n.isRetry)).toBe(true);
  });

  it('draws nested DAGs inside their parent', () => {
    const { graph } = buildPreviewGraph(parseWorkflowText(readReference('argo/examples', 'dag-nested.yaml')).workflow!);
    expect(countByType(graph).DAG).toBeGreaterThan(1);
    expect(graph.nodes.filter((n) => n.type === 'DAG' && n.parentId !== null).length).toBeGreaterThan(0);
  });
});

describeWithReference('live graph of every status fixture', () => {
  const files = listReferenceFiles('argo/status-fixtures');
  it('finds the 118 fixtures', () => expect(files).toHaveLength(118));

  // Parsed once: the aggregate test below reads the same graphs.
  const graphs = new Map<string, WorkflowGraph>();
  const readFixture = (file: string) =>
    yamlModule.parse(readReference('argo/status-fixtures', file), { logLevel: 'error' }) as Workflow;

  it.each(files)('%s: one drawn node per status node', (file) => {
    const workflow = readFixture(file);
    const { graph } = buildLiveGraph(workflow, {
      decodeNodes: decodeCompressedNodes,
      now: Date.parse('2030-01-01T00:00:00Z'),
    });
    graphs.set(file, graph);
    const source = workflow.status?.compressedNodes
      ? decodeCompressedNodes(workflow.status.compressedNodes)
      : (workflow.status?.nodes ?? {});
    expect(graph.nodes).toHaveLength(Object.keys(source).length);
    expectWellFormed(graph);
    for (const node of graph.nodes) expect(source[node.id]?.phase || null).toBe(node.phase);
  });

  it('decodes the 400-task chain from compressedNodes to the same 401 nodes as the decoded copy', () => {
    const compressed = JSON.parse(
      readReference('argo/status-fixtures/kubeflow-pipelines-mock-runtimes/large-graph-runtime.json'),
    ) as Workflow;
    const decoded = JSON.parse(
      fs.readFileSync(
        referencePath(
          'argo/status-fixtures/kubeflow-pipelines-mock-runtimes/large-graph-runtime.nodes-decompressed.json',
        ),
        'utf8',
      ),
    ) as Workflow;
    const { graph } = buildLiveGraph(compressed, { decodeNodes: decodeCompressedNodes });
    expect(graph.nodes).toHaveLength(401);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(Object.keys(decoded.status!.nodes!).sort());
  });

  it('reads retries, exit handlers and phases seen in the fixtures', () => {
    const all = files.map(
      (file) => graphs.get(file) ?? buildLiveGraph(readFixture(file), { decodeNodes: decodeCompressedNodes }).graph,
    );
    const nodes = all.flatMap((g) => g.nodes);
    expect(nodes.some((n) => n.type === 'Retry' && n.isRetry)).toBe(true);
    expect(nodes.some((n) => n.isExitHandler)).toBe(true);
    const phases = new Set(nodes.map((n) => n.phase));
    for (const phase of ['Succeeded', 'Failed', 'Error', 'Omitted', 'Skipped', 'Running', 'Pending'])
      expect(phases).toContain(phase);
    expect(nodes.some((n) => n.type === 'StepGroup')).toBe(true);
    expect(nodes.some((n) => n.type === 'DAG' && n.boundaryId)).toBe(true); // nested DAGs
  });
});

describe('live graph', () => {
  const node = (id: string, extra: Partial<NodeStatus> = {}): NodeStatus => ({
    id,
    name: id,
    displayName: id,
    type: 'Pod',
    phase: 'Succeeded',
    ...extra,
  });
  const workflow = (nodes: Record<string, NodeStatus>): Workflow => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wf' },
    spec: {},
    status: { nodes },
  });

  it('reports progress of running steps against their estimate', () => {
    const { graph } = buildLiveGraph(
      workflow({
        wf: node('wf', {
          type: 'Pod',
          phase: 'Running',
          startedAt: '2025-01-01T00:00:00Z',
          estimatedDuration: 200,
          progress: '0/1',
        }),
      }),
      { now: Date.parse('2025-01-01T00:01:40Z') },
    );
    expect(graph.nodes[0].estimate).toEqual({ seconds: 200, fraction: 0.5 });
    expect(graph.nodes[0].progress).toEqual({ done: 0, total: 1 });
  });

  it('hangs a workflow exit handler off the last nodes', () => {
    const { graph } = buildLiveGraph(
      workflow({
        wf: node('wf', { type: 'Steps', children: ['a'], outboundNodes: ['a'] }),
        a: node('a'),
        'wf.onExit': node('wf.onExit', { name: 'wf.onExit' }),
      }),
    );
    expect(graph.edges).toContainEqual({ from: 'a', to: 'wf.onExit' });
    expect(graph.nodes.find((n) => n.id === 'wf.onExit')!.isExitHandler).toBe(true);
  });

  it('decodes compressedNodes through the injected decoder, and says when it cannot', () => {
    const nodes = { wf: node('wf') };
    const compressed = gzipSync(JSON.stringify(nodes)).toString('base64');
    const wf = { ...workflow({}), status: { compressedNodes: compressed } };
    expect(buildLiveGraph(wf, { decodeNodes: decodeCompressedNodes }).graph.nodes).toHaveLength(1);
    expect(buildLiveGraph(wf).problems[0].path).toBe('status.compressedNodes');
  });

  it('parses Argo progress strings', () => {
    expect(parseProgress('3/5')).toEqual({ done: 3, total: 5 });
    expect(parseProgress(undefined)).toBeNull();
  });
});

describe('literal fan-outs', () => {
  it('expands withItems, withSequence and a literal withParam; leaves runtime ones alone', () => {
    expect(listLiteralItems({ name: 'a', withItems: [1, 2] })).toEqual([1, 2]);
    expect(listLiteralItems({ name: 'a', withSequence: { count: '3' } })).toEqual(['0', '1', '2']);
    expect(listLiteralItems({ name: 'a', withSequence: { start: '5', end: '3' } })).toEqual(['5', '4', '3']);
    expect(listLiteralItems({ name: 'a', withSequence: { count: 2, format: 'w%02d' } })).toEqual(['w00', 'w01']);
    expect(listLiteralItems({ name: 'a', withParam: '[{"x":1}]' })).toEqual([{ x: 1 }]);
    expect(listLiteralItems({ name: 'a', withParam: '{{steps.gen.outputs.result}}' })).toBeNull();
  });
});

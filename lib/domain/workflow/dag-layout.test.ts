import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildView, HIDDEN_TYPE } from './collapse';
import dagre from '@dagrejs/dagre';
import {
  displayText,
  edgePath,
  estimateTextWidth,
  hasCrossings,
  layoutDag,
  layoutKey,
  MAX_LABEL_CHARS,
  measureNode,
  NODE_HEIGHT,
  PERCENT_WIDTH,
  shapeOf,
  shapePath,
} from './dag-layout';
import { createGraphNode, type GraphNode, type WorkflowGraph } from './graph-model';

const pod = (id: string, extra: Partial<GraphNode> = {}) => createGraphNode({ id, label: id, type: 'Pod', ...extra });

function diamond(): WorkflowGraph {
  return {
    nodes: [pod('A'), pod('B'), pod('C'), pod('D')],
    edges: [
      { from: 'A', to: 'B' },
      { from: 'A', to: 'C' },
      { from: 'B', to: 'D' },
      { from: 'C', to: 'D' },
    ],
  };
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutDag', () => {
  it('places a diamond top to bottom in run order, the two middle steps side by side', () => {
    const layout = layoutDag(diamond());
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect(at.A.y).toBeLessThan(at.B.y);
    expect(at.B.y).toBe(at.C.y);
    expect(at.C.y).toBeLessThan(at.D.y);
    expect(at.B.x).not.toBe(at.C.x);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['A>B', 'A>C', 'B>D', 'C>D']);
  });

  it('keeps every node inside the drawing and apart from the others', () => {
    const layout = layoutDag(diamond());
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
    for (const a of layout.nodes) for (const b of layout.nodes) if (a !== b) expect(overlaps(a, b)).toBe(false);
  });

  it('starts each edge at its source node and ends it at its target', () => {
    const layout = layoutDag(diamond());
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    for (const e of layout.edges) {
      const [start, end] = [firstPoint(e.path), lastPoint(e.path)];
      expect(start.y).toBeCloseTo(at[e.from].y + at[e.from].height, 0);
      expect(end.y).toBeCloseTo(at[e.to].y, 0);
    }
  });

  it('runs left to right when asked', () => {
    const at = Object.fromEntries(layoutDag(diamond(), { direction: 'LR' }).nodes.map((n) => [n.id, n]));
    expect(at.A.x).toBeLessThan(at.B.x);
    expect(at.B.x).toBe(at.C.x);
  });

  it('puts a short branch right under its parent instead of at the bottom', () => {
    const graph = {
      nodes: [pod('A'), pod('leaf'), pod('B'), pod('C'), pod('D')],
      edges: [
        { from: 'A', to: 'leaf' },
        { from: 'A', to: 'B' },
        { from: 'B', to: 'C' },
        { from: 'C', to: 'D' },
      ],
    };
    const at = Object.fromEntries(layoutDag(graph).nodes.map((n) => [n.id, n]));
    expect(at.leaf.y).toBe(at.B.y);
  });

  it('draws a cycle, a self-loop, a duplicate edge and an edge to a missing node without failing', () => {
    const graph = {
      nodes: [pod('a'), pod('b')],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
        { from: 'a', to: 'a' },
        { from: 'a', to: 'b' },
        { from: 'a', to: 'ghost' },
      ],
    };
    const layout = layoutDag(graph);
    expect(layout.nodes).toHaveLength(2);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['a>b', 'b>a']);
  });

  it('lays out an empty graph as an empty drawing', () => {
    expect(layoutDag({ nodes: [], edges: [] }).nodes).toEqual([]);
  });

  it('lays out the collapsed view of a 10,000-step fan-out as a handful of nodes', () => {
    const nodes = [pod('root'), pod('merge'), ...Array.from({ length: 10_000 }, (_, i) => pod(`s${i}`))];
    const edges = Array.from({ length: 10_000 }, (_, i) => [
      { from: 'root', to: `s${i}` },
      { from: `s${i}`, to: 'merge' },
    ]).flat();
    const layout = layoutDag(buildView({ nodes, edges }));
    expect(layout.nodes.map((n) => n.id)).toContain('root::hidden');
    expect(layout.nodes.length).toBeLessThanOrEqual(6);
  });

  it('draws a collapsed fan-out as first, "N hidden", last from left to right', () => {
    const nodes = [pod('root'), ...Array.from({ length: 6 }, (_, i) => pod(`s${i}`)), pod('merge')];
    const edges = Array.from({ length: 6 }, (_, i) => [
      { from: 'root', to: `s${i}` },
      { from: `s${i}`, to: 'merge' },
    ]).flat();
    const at = Object.fromEntries(layoutDag(buildView({ nodes, edges })).nodes.map((n) => [n.id, n]));
    expect(at.s0.x).toBeLessThan(at['root::hidden'].x);
    expect(at['root::hidden'].x).toBeLessThan(at.s5.x);
  });

  it('still removes crossings where the first order has them', () => {
    // Depth-first, the lower layer starts x, z, y: a>z crosses b>x. z, x, y has no crossing.
    const graph = {
      nodes: [pod('a'), pod('b'), pod('x'), pod('y'), pod('z')],
      edges: [
        { from: 'a', to: 'x' },
        { from: 'a', to: 'z' },
        { from: 'b', to: 'y' },
        { from: 'b', to: 'x' },
      ],
    };
    const at = Object.fromEntries(layoutDag(graph).nodes.map((n) => [n.id, n.x]));
    const crossing = graph.edges.some((p) =>
      graph.edges.some((q) => (at[p.from] - at[q.from]) * (at[p.to] - at[q.to]) < 0),
    );
    expect(crossing).toBe(false);
  });

  it('never overlaps nodes, for any small DAG', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14 }),
        fc.array(fc.tuple(fc.nat(13), fc.nat(13)), { maxLength: 30 }),
        (count, pairs) => {
          const nodes = Array.from({ length: count }, (_, i) => pod(`n${i}`, { label: 'x'.repeat(i * 3 + 1) }));
          const edges = pairs.filter(([a, b]) => a < b && b < count).map(([a, b]) => ({ from: `n${a}`, to: `n${b}` }));
          const layout = layoutDag({ nodes, edges });
          expect(layout.nodes).toHaveLength(count);
          for (const a of layout.nodes) for (const b of layout.nodes) if (a !== b) expect(overlaps(a, b)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('hasCrossings', () => {
  const layered = (orders: Record<string, [number, number]>, edges: Array<[string, string]>) => {
    const g = new dagre.graphlib.Graph();
    for (const [id, [rank, order]] of Object.entries(orders)) g.setNode(id, { rank, order });
    for (const [v, w] of edges) g.setEdge(v, w);
    return g;
  };

  it('sees two edges between the same layers that swap sides', () => {
    expect(
      hasCrossings(
        layered({ a: [0, 0], b: [0, 1], x: [1, 0], y: [1, 1] }, [
          ['a', 'y'],
          ['b', 'x'],
        ]),
      ),
    ).toBe(true);
  });

  it('accepts parallel edges, a fan-out and a fan-in', () => {
    expect(
      hasCrossings(
        layered({ a: [0, 0], b: [0, 1], x: [1, 0], y: [1, 1] }, [
          ['a', 'x'],
          ['b', 'y'],
        ]),
      ),
    ).toBe(false);
    expect(
      hasCrossings(
        layered({ r: [0, 0], x: [1, 0], y: [1, 1], z: [1, 2], m: [2, 0] }, [
          ['r', 'x'],
          ['r', 'y'],
          ['r', 'z'],
          ['x', 'm'],
          ['y', 'm'],
          ['z', 'm'],
        ]),
      ),
    ).toBe(false);
  });
});

describe('layoutKey', () => {
  it('ignores phases, so a live update that only changes phases keeps the geometry', () => {
    const before = diamond();
    const after = {
      ...before,
      nodes: before.nodes.map((n) => ({ ...n, phase: 'Succeeded' as const, finishedAt: '2026-01-01T00:00:00Z' })),
    };
    expect(layoutKey(after)).toBe(layoutKey(before));
  });

  it('changes with structure, labels, direction and a percentage appearing', () => {
    const base = layoutKey(diamond());
    const g = diamond();
    expect(layoutKey({ ...g, edges: g.edges.slice(1) })).not.toBe(base);
    expect(layoutKey({ ...g, nodes: g.nodes.map((n, i) => (i === 0 ? { ...n, label: 'renamed' } : n)) })).not.toBe(
      base,
    );
    expect(layoutKey(g, { direction: 'LR' })).not.toBe(base);
    expect(
      layoutKey({
        ...g,
        nodes: g.nodes.map((n, i) =>
          i === 0 ? { ...n, phase: 'Running' as const, estimate: { seconds: 60, fraction: 0.2 } } : n,
        ),
      }),
    ).not.toBe(base);
  });

  it('does not change as a running node moves from 9% to 10%', () => {
    const at = (fraction: number) => ({
      ...diamond(),
      nodes: diamond().nodes.map((n) => ({ ...n, phase: 'Running' as const, estimate: { seconds: 60, fraction } })),
    });
    expect(layoutKey(at(0.09))).toBe(layoutKey(at(0.1)));
  });
});

describe('node size and shape', () => {
  it('grows with the label and reserves room for a percentage only when there is one', () => {
    const short = measureNode(pod('a'));
    const long = measureNode(pod('a', { label: 'a much longer step name' }));
    expect(long.width).toBeGreaterThan(short.width);
    expect(short.height).toBe(NODE_HEIGHT);
    const running = measureNode(pod('a', { phase: 'Running', estimate: { seconds: 60, fraction: 0.5 } }));
    expect(running.width - short.width).toBe(PERCENT_WIDTH);
  });

  it('cuts long labels with an ellipsis and flattens line breaks', () => {
    const text = displayText(pod('x', { label: `line1\nline2 ${'y'.repeat(100)}` }));
    expect(text).toHaveLength(MAX_LABEL_CHARS);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toMatch(/\n/);
  });

  it('marks exit handlers in the text unless the name says so', () => {
    expect(displayText(pod('x', { label: 'cleanup', isExitHandler: true }))).toBe('cleanup (exit handler)');
    expect(displayText(pod('x', { label: 'wf.onExit', isExitHandler: true }))).toBe('wf.onExit');
  });

  it('estimates wide letters wider than narrow ones', () => {
    expect(estimateTextWidth('MMMM')).toBeGreaterThan(estimateTextWidth('iiii'));
    expect(estimateTextWidth('')).toBe(0);
  });

  it('gives each kind of node its own outline', () => {
    expect(shapeOf(pod('x'))).toBe('rect');
    expect(shapeOf(createGraphNode({ id: 'd', label: 'd', type: 'DAG' }))).toBe('subroutine');
    expect(shapeOf(createGraphNode({ id: 'd', label: 'd', type: 'Steps' }))).toBe('subroutine');
    expect(shapeOf(createGraphNode({ id: 'g', label: 'g', type: 'StepGroup' }))).toBe('circle');
    expect(shapeOf(createGraphNode({ id: 'r', label: 'r', type: 'Retry' }))).toBe('hexagon');
    expect(shapeOf(pod('e', { isExitHandler: true }))).toBe('flag');
    expect(shapeOf(createGraphNode({ id: 'h', label: '3 hidden', type: HIDDEN_TYPE }))).toBe('parallelogram');
    const circle = measureNode(createGraphNode({ id: 'g', label: 'group', type: 'StepGroup' }));
    expect(circle.width).toBe(circle.height);
  });

  it('keeps every outline inside its box', () => {
    for (const shape of ['rect', 'subroutine', 'circle', 'hexagon', 'flag', 'parallelogram'] as const) {
      const d = shapePath(shape, 120, shape === 'circle' ? 120 : 34);
      const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
      expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...numbers)).toBeLessThanOrEqual(120);
      expect(d.startsWith('M')).toBe(true);
    }
  });
});

describe('edgePath', () => {
  it('draws a straight line between two points and a B-spline through more', () => {
    expect(edgePath([])).toBe('');
    expect(
      edgePath([
        { x: 0, y: 0 },
        { x: 10, y: 20 },
      ]),
    ).toBe('M0,0L10,20');
    const curve = edgePath([
      { x: 0, y: 0 },
      { x: 0, y: 30 },
      { x: 30, y: 60 },
    ]);
    expect(curve).toMatch(/^M0,0L0,5C/);
    expect(lastPoint(curve)).toEqual({ x: 30, y: 60 });
  });
});

function firstPoint(d: string) {
  const [x, y] = /^M(-?[\d.]+),(-?[\d.]+)/.exec(d)!.slice(1).map(Number);
  return { x, y };
}

function lastPoint(d: string) {
  const [x, y] = /(-?[\d.]+),(-?[\d.]+)$/.exec(d)!.slice(1).map(Number);
  return { x, y };
}

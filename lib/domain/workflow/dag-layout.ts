// Geometry of the drawn DAG: node sizes from their labels, positions and edge routes from dagre
// (@dagrejs/dagre, the layered layout Mermaid itself uses), outlines per node kind as SVG paths.
// Pure, so the browser draws it with React (text escaped by React) and the tests check it here.
// The layout depends only on the graph's structure and labels, never on phases, so a live update
// that only changes phases keeps every node where it was.
import dagre, { type Graph } from '@dagrejs/dagre';
import { HIDDEN_TYPE } from './collapse';
import type { GraphEdge, GraphNode } from './graph-model';

export type NodeShape = 'rect' | 'subroutine' | 'circle' | 'hexagon' | 'flag' | 'parallelogram';

export interface LaidOutNode {
  id: string;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
  shape: NodeShape;
  /** The label as drawn: cut to MAX_LABEL_CHARS with an ellipsis (the full one is the accessible name). */
  text: string;
}

interface LaidOutEdge {
  from: string;
  to: string;
  /** SVG path data, a B-spline through dagre's route. */
  path: string;
}

export interface DagLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

export interface LayoutOptions {
  direction?: 'TD' | 'LR';
}

export const FONT_SIZE = 13;
export const NODE_HEIGHT = 34;
const PADDING_X = 12;
/** Room left of the text for the phase icon, which changes with the phase but not its width. */
const ICON_WIDTH = 16;
/** Room right of the text for " 100%" on a running node with an estimate, fixed so 9% -> 10% moves nothing. */
export const PERCENT_WIDTH = 36;
export const MAX_LABEL_CHARS = 48;
const MARGIN = 8;

// Widths of a 13px sans-serif, in px, rounded up so the estimate errs on the roomy side: the
// layout runs before anything is in the page, so it cannot measure text.
const NARROW = /[iljtfrI.,:;'|!()[\]{} ]/;
const WIDE = /[mwMW@%]/;

export function estimateTextWidth(text: string, fontSize = FONT_SIZE): number {
  let units = 0;
  for (const ch of text) {
    if (NARROW.test(ch)) units += 0.34;
    else if (WIDE.test(ch)) units += 0.86;
    else if (ch >= 'A' && ch <= 'Z') units += 0.68;
    else if (ch.charCodeAt(0) > 0x2000) units += 1;
    else units += 0.58;
  }
  return Math.ceil(units * fontSize);
}

export function displayText(node: Pick<GraphNode, 'label' | 'isExitHandler'>): string {
  let text = node.label.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
  if (node.isExitHandler && !/onExit/.test(text)) text += ' (exit handler)';
  return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;
}

export function shapeOf(node: Pick<GraphNode, 'type' | 'isExitHandler'>): NodeShape {
  if (node.type === HIDDEN_TYPE) return 'parallelogram';
  if (node.type === 'DAG' || node.type === 'Steps') return 'subroutine';
  if (node.type === 'StepGroup' || node.type === 'TaskGroup') return 'circle';
  if (node.type === 'Retry') return 'hexagon';
  if (node.isExitHandler) return 'flag';
  return 'rect';
}

/** Width and height of a node's box, from what it shows. */
export function measureNode(node: GraphNode): { width: number; height: number; shape: NodeShape; text: string } {
  const text = displayText(node);
  const shape = shapeOf(node);
  let width = estimateTextWidth(text) + ICON_WIDTH + 2 * PADDING_X + (node.estimate ? PERCENT_WIDTH : 0);
  // Slanted and pointed outlines give up some of their box at the sides.
  if (shape === 'hexagon' || shape === 'parallelogram' || shape === 'flag') width += NODE_HEIGHT / 2;
  if (shape === 'subroutine') width += 16;
  if (shape === 'circle')
    return { width: Math.max(width, NODE_HEIGHT), height: Math.max(width, NODE_HEIGHT), shape, text };
  return { width, height: NODE_HEIGHT, shape, text };
}

/**
 * What the layout depends on: ids, edges, texts and whether a node shows a percentage. Two views
 * with the same key lay out identically, so the view reuses the geometry across live updates.
 */
export function layoutKey(
  view: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] },
  options: LayoutOptions = {},
): string {
  const parts: string[] = [options.direction ?? 'TD'];
  for (const n of view.nodes) parts.push(`${n.id}\u0000${n.type}\u0000${displayText(n)}\u0000${n.estimate ? 1 : 0}`);
  parts.push('');
  for (const e of view.edges) parts.push(`${e.from}\u0000${e.to}`);
  return parts.join('\u0001');
}

export function layoutDag(
  view: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] },
  options: LayoutOptions = {},
): DagLayout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({
    rankdir: options.direction === 'LR' ? 'LR' : 'TB',
    nodesep: 24,
    ranksep: 36,
    marginx: MARGIN,
    marginy: MARGIN,
    ranker: rankByDepth,
  });
  g.setDefaultEdgeLabel(() => ({}));
  const measured = new Map<string, ReturnType<typeof measureNode>>();
  for (const node of view.nodes) {
    if (measured.has(node.id)) continue;
    const m = measureNode(node);
    measured.set(node.id, m);
    g.setNode(node.id, { width: m.width, height: m.height });
  }
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const edge of middlePlaceholders(view)) {
    const key = `${edge.from}\u0000${edge.to}`;
    // Self-loops and edges to nodes outside the view cannot be drawn; duplicates draw once.
    if (edge.from === edge.to || !measured.has(edge.from) || !measured.has(edge.to) || seen.has(key)) continue;
    seen.add(key);
    edges.push(edge);
    g.setEdge(edge.from, edge.to);
  }
  dagre.layout(g, { customOrder: orderUnlessPlanar });
  const graph = g.graph();
  const nodes: LaidOutNode[] = [];
  for (const [id, m] of measured) {
    const placed = g.node(id);
    nodes.push({
      id,
      x: round(placed.x! - m.width / 2),
      y: round(placed.y! - m.height / 2),
      width: m.width,
      height: m.height,
      shape: m.shape,
      text: m.text,
    });
  }
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes,
    edges: edges.map((e) => ({ from: e.from, to: e.to, path: edgePath(g.edge(e.from, e.to).points ?? []) })),
  };
}

/**
 * The collapse adds "N hidden" after the first and last child; dagre keeps siblings in the order
 * their edges were added where crossings allow, so move it between them: first, N hidden, last.
 */
function middlePlaceholders(view: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] }): GraphEdge[] {
  const hidden = new Set(view.nodes.filter((n) => n.type === HIDDEN_TYPE).map((n) => n.id));
  if (hidden.size === 0) return [...view.edges];
  const moved = view.edges.filter((e) => hidden.has(e.to));
  const out = view.edges.filter((e) => !hidden.has(e.to));
  for (const edge of moved) {
    const first = out.findIndex((e) => e.from === edge.from);
    out.splice(first === -1 ? out.length : first + 1, 0, edge);
  }
  return out;
}

/**
 * dagre's ranker hook: every node one rank below its deepest predecessor (edge minlen honoured),
 * the way a workflow reads, top to bottom in run order. Linear in nodes plus edges, where dagre's
 * default (network simplex) took most of the layout time on 250-node graphs.
 */
function rankByDepth(g: Graph<unknown, { rank?: number }, { minlen?: number }>): void {
  const indegree = new Map<string, number>();
  const ready: string[] = [];
  for (const v of g.nodes()) {
    const n = g.inEdges(v)?.length ?? 0;
    indegree.set(v, n);
    if (n === 0) ready.push(v);
  }
  const rank = new Map<string, number>();
  for (let head = 0; head < ready.length; head++) {
    const v = ready[head];
    const r = rank.get(v) ?? 0;
    g.node(v).rank = r;
    for (const e of g.outEdges(v) ?? []) {
      rank.set(e.w, Math.max(rank.get(e.w) ?? 0, r + (g.edge(e)?.minlen ?? 1)));
      const left = indegree.get(e.w)! - 1;
      indegree.set(e.w, left);
      if (left === 0) ready.push(e.w);
    }
  }
  // dagre breaks cycles before ranking, so every node was reached; this guards a future change.
  for (const v of g.nodes()) if (g.node(v).rank === undefined) g.node(v).rank = rank.get(v) ?? 0;
}

type OrderFn = (g: Graph, opts?: { disableOptimalOrderHeuristic?: boolean }) => void;

/**
 * dagre's ordering hook. Its crossing reduction sweeps the layers again and again, most of the
 * layout time on a 240-wide fan-out, where the first depth-first order has no crossing to remove;
 * keep that order when it has none, run the full reduction otherwise.
 */
function orderUnlessPlanar(g: Graph, order: OrderFn): void {
  order(g, { disableOptimalOrderHeuristic: true });
  if (hasCrossings(g)) order(g, {});
}

/** Whether two edges between the same two layers cross, with the current node orders. */
export function hasCrossings(g: Graph<unknown, { rank?: number; order?: number }>): boolean {
  const byRank = new Map<number, Array<[number, number]>>();
  for (const e of g.edges()) {
    const [from, to] = [g.node(e.v), g.node(e.w)];
    if (from.rank === undefined || to.rank === undefined || from.order === undefined || to.order === undefined)
      continue;
    const [upper, lower] = from.rank <= to.rank ? [from, to] : [to, from];
    const list = byRank.get(upper.rank!) ?? [];
    list.push([upper.order!, lower.order!]);
    byRank.set(upper.rank!, list);
  }
  for (const list of byRank.values()) {
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 1; i < list.length; i++) if (list[i][1] < list[i - 1][1]) return true;
  }
  return false;
}

/** d3's curveBasis (uniform cubic B-spline) through the points, starting and ending on them. */
export function edgePath(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const p = points.map((pt) => ({ x: round(pt.x), y: round(pt.y) }));
  if (p.length === 1) return `M${p[0].x},${p[0].y}`;
  if (p.length === 2) return `M${p[0].x},${p[0].y}L${p[1].x},${p[1].y}`;
  const parts = [`M${p[0].x},${p[0].y}`, `L${round((5 * p[0].x + p[1].x) / 6)},${round((5 * p[0].y + p[1].y) / 6)}`];
  for (let i = 2; i < p.length; i++) parts.push(basisSegment(p[i - 2], p[i - 1], p[i]));
  const [a, b] = [p[p.length - 2], p[p.length - 1]];
  parts.push(basisSegment(a, b, b), `L${b.x},${b.y}`);
  return parts.join('');
}

function basisSegment(
  p0: { x: number; y: number },
  p1: { x: number; y: number },
  p2: { x: number; y: number },
): string {
  const c = (a: number, b: number, w: number) => round((w * a + (3 - w) * b) / 3);
  return `C${c(p0.x, p1.x, 2)},${c(p0.y, p1.y, 2)} ${c(p0.x, p1.x, 1)},${c(p0.y, p1.y, 1)} ${round((p0.x + 4 * p1.x + p2.x) / 6)},${round((p0.y + 4 * p1.y + p2.y) / 6)}`;
}

/** The outline of a node of the given shape and size, as SVG path data relative to its top-left corner. */
export function shapePath(shape: NodeShape, width: number, height: number): string {
  const w = round(width);
  const h = round(height);
  const s = round(h / 2);
  switch (shape) {
    case 'circle': {
      const r = round(w / 2);
      return `M0,${r}A${r},${r} 0 1,1 ${w},${r}A${r},${r} 0 1,1 0,${r}Z`;
    }
    case 'hexagon':
      return `M${s},0H${w - s}L${w},${s}L${w - s},${h}H${s}L0,${s}Z`;
    case 'parallelogram':
      return `M${s},0H${w}L${w - s},${h}H0Z`;
    case 'flag':
      return `M0,0H${w}V${h}H0L${s},${s}Z`;
    case 'subroutine':
      return `M0,0H${w}V${h}H0ZM8,0V${h}M${w - 8},0V${h}`;
    default:
      return `M4,0H${w - 4}Q${w},0 ${w},4V${h - 4}Q${w},${h} ${w - 4},${h}H4Q0,${h} 0,${h - 4}V4Q0,0 4,0Z`;
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

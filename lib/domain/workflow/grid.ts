// A sweep's fan-out as a grid: one axis per varying parameter (the two with most values), each
// cell the configurations that share those two values, coloured by their worst phase.
import { indexChildren, type GraphNode, type WorkflowGraph } from './graph-model';
import type { NodePhase } from './types';

export interface SweepCell {
  row: string;
  col: string;
  nodes: Array<{ id: string; phase: NodePhase | null; parameters: Record<string, string> }>;
  phase: NodePhase | null;
}

export interface SweepGrid {
  parentId: string;
  /** Parameters whose value differs between configurations. */
  parameters: string[];
  rowParameter: string | null;
  colParameter: string | null;
  rows: string[];
  cols: string[];
  cells: SweepCell[];
}

// Worst first: a cell with one failure among successes shows the failure.
const PHASE_ORDER: Array<NodePhase | null> = [
  'Error',
  'Failed',
  'Running',
  'Pending',
  'Omitted',
  'Skipped',
  'Succeeded',
  null,
];

/** The widest fan-out whose children carry parameters: the node a sweep grid is built from. */
export function findSweepFanOut(graph: WorkflowGraph, minChildren = 4): string | null {
  const children = indexChildren(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  let best: string | null = null;
  let bestCount = minChildren - 1;
  for (const [id, kids] of children) {
    if (kids.length <= bestCount) continue;
    const first = byId.get(kids[0]);
    if (first && Object.keys(flattenParameters(first.parameters)).length > 0) {
      best = id;
      bestCount = kids.length;
    }
  }
  return best;
}

export function buildSweepGrid(
  graph: WorkflowGraph,
  parentId: string | null = findSweepFanOut(graph),
): SweepGrid | null {
  if (!parentId) return null;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const kids = (indexChildren(graph).get(parentId) ?? []).map((id) => byId.get(id)).filter((n): n is GraphNode => !!n);
  const entries = kids.map((node) => ({
    id: node.id,
    phase: node.phase,
    parameters: flattenParameters(node.parameters),
  }));
  const distinct = new Map<string, Set<string>>();
  for (const entry of entries) {
    for (const [name, value] of Object.entries(entry.parameters)) {
      if (!distinct.has(name)) distinct.set(name, new Set());
      distinct.get(name)!.add(value);
    }
  }
  // Ids and whole-config strings vary with every configuration; they make poor axes.
  const varying = [...distinct.entries()]
    .filter(([, values]) => values.size > 1)
    .sort(
      ([a, va], [b, vb]) =>
        axisScore(vb.size, entries.length) - axisScore(va.size, entries.length) || a.localeCompare(b),
    )
    .map(([name]) => name);
  const colParameter = varying[0] ?? null;
  const rowParameter = varying[1] ?? null;
  const cells = new Map<string, SweepCell>();
  for (const entry of entries) {
    const row = rowParameter ? (entry.parameters[rowParameter] ?? '') : '';
    const col = colParameter ? (entry.parameters[colParameter] ?? '') : entry.id;
    const key = `${row}\u0000${col}`;
    const cell = cells.get(key) ?? { row, col, nodes: [], phase: null };
    cell.nodes.push(entry);
    cells.set(key, cell);
  }
  for (const cell of cells.values()) cell.phase = worstPhase(cell.nodes.map((n) => n.phase));
  const sortValues = (values: Iterable<string>) => [...new Set(values)].sort(compareValues);
  return {
    parentId,
    parameters: varying,
    rowParameter,
    colParameter,
    rows: sortValues([...cells.values()].map((c) => c.row)),
    cols: sortValues([...cells.values()].map((c) => c.col)),
    cells: [...cells.values()],
  };
}

/** A parameter that holds a JSON object (a benchmark configuration) counts as its fields. */
function flattenParameters(parameters: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (value.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          for (const [k, v] of Object.entries(parsed)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
          continue;
        }
      } catch {
        // not JSON: keep the raw value
      }
    }
    out[name] = value;
  }
  return out;
}

function axisScore(distinctValues: number, total: number): number {
  // The parameters with most values make the axes, but never one unique to every configuration.
  return distinctValues === total && total > 1 ? -1 : distinctValues;
}

export function worstPhase(phases: Array<NodePhase | null>): NodePhase | null {
  let worst = PHASE_ORDER.length - 1;
  for (const phase of phases) worst = Math.min(worst, PHASE_ORDER.indexOf(phase));
  return PHASE_ORDER[worst] ?? null;
}

function compareValues(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) && a !== '' && b !== '' ? na - nb : a.localeCompare(b);
}

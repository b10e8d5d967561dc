import { describe, expect, it } from 'vitest';
import { buildView } from '@/lib/domain/workflow/collapse';
import { createGraphNode, type WorkflowGraph } from '@/lib/domain/workflow/graph-model';
import { findSweepFanOut } from '@/lib/domain/workflow/grid';
import { availableModes, chooseMode } from './view-modes';

function fanOut(n: number, withParameters: boolean): WorkflowGraph {
  const nodes = [createGraphNode({ id: 'root', label: 'root', type: 'DAG' })];
  const edges = [];
  for (let i = 0; i < n; i++) {
    nodes.push(
      createGraphNode({
        id: `s${i}`,
        label: `s${i}`,
        type: 'Pod',
        parameters: withParameters ? { lr: String(i % 10), bs: String(i % 7) } : {},
      }),
    );
    edges.push({ from: 'root', to: `s${i}` });
  }
  return { nodes, edges };
}

describe('availableModes', () => {
  it('offers the grid only for a sweep', () => {
    expect(availableModes(true)).toEqual(['graph', 'grid', 'list']);
    expect(availableModes(false)).toEqual(['graph', 'list']);
  });
});

describe('chooseMode', () => {
  it('follows the view when the user has not chosen', () => {
    expect(chooseMode('graph', null, ['graph', 'list'])).toBe('graph');
    expect(chooseMode('grid', null, ['graph', 'grid', 'list'])).toBe('grid');
  });
  it('keeps the user choice while it is available', () => {
    expect(chooseMode('graph', 'list', ['graph', 'list'])).toBe('list');
    expect(chooseMode('graph', 'grid', ['graph', 'list'])).toBe('graph');
  });
  it('falls back to the list when the suggestion is not offered', () => {
    expect(chooseMode('grid', null, ['graph', 'list'])).toBe('list');
  });
  it('opens a fully expanded 10,000-step sweep as a grid, and a plain one as a list', () => {
    const sweep = fanOut(10_000, true);
    const sweepView = buildView(sweep, { expanded: new Set(['root']) });
    expect(chooseMode(sweepView.mode, null, availableModes(findSweepFanOut(sweep) !== null))).toBe('grid');
    expect(sweepView.nodes.length).toBeLessThanOrEqual(60);
    const plain = fanOut(10_000, false);
    const plainView = buildView(plain, { expanded: new Set(['root']) });
    expect(chooseMode(plainView.mode, null, availableModes(findSweepFanOut(plain) !== null))).toBe('list');
  });
});

import { describe, expect, it } from 'vitest';
import { buildWorkflow } from './builders';
import { createGraphNode, type GraphEdge } from './graph-model';
import { buildSweepGrid, worstPhase } from './grid';
import { buildPreviewGraph } from './preview-graph';
import { makeBenchmarkJob } from './test-jobs';

describe('sweep grid', () => {
  it('lays a benchmark sweep out by its two varying parameters', () => {
    const { workflow } = buildWorkflow(makeBenchmarkJob(32));
    const grid = buildSweepGrid(buildPreviewGraph(workflow).graph)!;
    expect(grid.colParameter).toBe('batch'); // 8 values
    expect(grid.rowParameter).toBe('lr'); // 4 values
    expect(grid.rows).toEqual(['0.0001', '0.001', '0.01', '0.1']);
    expect(grid.cols).toEqual(['1', '2', '4', '8', '16', '32', '64', '128']);
    expect(grid.cells).toHaveLength(32);
    expect(grid.parameters).not.toContain('model'); // constant
  });

  it('colours a cell by its worst phase', () => {
    const nodes = [createGraphNode({ id: 'p', label: 'p', type: 'TaskGroup' })];
    const edges: GraphEdge[] = [];
    const phases = ['Succeeded', 'Failed', 'Succeeded', 'Running', 'Succeeded'] as const;
    phases.forEach((phase, i) => {
      nodes.push(
        createGraphNode({
          id: `c${i}`,
          label: `c${i}`,
          type: 'Pod',
          phase,
          parameters: { lr: i < 2 ? '0.1' : '0.2', seed: String(i % 2) },
        }),
      );
      edges.push({ from: 'p', to: `c${i}` });
    });
    const grid = buildSweepGrid({ nodes, edges })!;
    const cell = (row: string, col: string) => grid.cells.find((c) => c.row === row && c.col === col)!.phase;
    expect(cell('0', '0.1')).toBe('Succeeded');
    expect(cell('1', '0.1')).toBe('Failed');
    expect(cell('1', '0.2')).toBe('Running');
    expect(worstPhase([null, 'Succeeded'])).toBe('Succeeded');
  });
});

'use client';
// The DAG of a workflow whose whole graph the caller holds (the live view, from status.nodes):
// collapsed by buildView, drawn while it stays readable, otherwise opened as the sweep grid or the
// node list. The caller keeps the expanded set and the selection.
import { useMemo, useState } from 'react';
import { buildView, HIDDEN_TYPE, type ViewMode } from '@/lib/domain/workflow/collapse';
import type { WorkflowGraph } from '@/lib/domain/workflow/graph-model';
import { buildSweepGrid, findSweepFanOut } from '@/lib/domain/workflow/grid';
import { DagView } from './dag-view';
import { ModeSwitcher } from './mode-switcher';
import { NodeList } from './node-list';
import { PhaseLegend } from './phase-badge';
import { SweepGridView } from './sweep-grid-view';
import { availableModes, chooseMode } from './view-modes';

export interface WorkflowGraphViewProps {
  graph: WorkflowGraph;
  expanded: ReadonlySet<string>;
  onExpand: (expandKey: string) => void;
  onSelect?: (nodeId: string) => void;
  selectedId?: string | null;
}

export function WorkflowGraphView({ graph, expanded, onExpand, onSelect, selectedId }: WorkflowGraphViewProps) {
  const [chosen, setChosen] = useState<ViewMode | null>(null);
  const view = useMemo(() => buildView(graph, { expanded }), [graph, expanded]);
  const sweepId = useMemo(() => findSweepFanOut(graph), [graph]);
  const modes = availableModes(sweepId !== null);
  const mode = chooseMode(view.mode, chosen, modes);
  const grid = useMemo(() => (mode === 'grid' ? buildSweepGrid(graph, sweepId) : null), [mode, graph, sweepId]);
  const steps = useMemo(
    () => (mode === 'list' ? graph.nodes.filter((n) => n.type !== HIDDEN_TYPE) : []),
    [mode, graph.nodes],
  );
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
          {view.mode === 'graph'
            ? view.reason
            : `Too large to draw expanded (${view.reason}); the graph shows the collapsed overview.`}
        </p>
        <ModeSwitcher modes={modes} value={mode} onChange={setChosen} />
      </div>
      {mode === 'graph' && (
        <>
          <DagView graph={view} onSelect={onSelect} onExpand={onExpand} selectedId={selectedId} />
          <PhaseLegend />
        </>
      )}
      {mode === 'grid' && grid && <SweepGridView grid={grid} onSelect={onSelect} />}
      {mode === 'list' && <NodeList nodes={steps} onSelect={onSelect} selectedId={selectedId} />}
    </div>
  );
}

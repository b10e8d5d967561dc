'use client';
// What the preview API answered: problems, then the graph (or its grid or list) and the panel for
// the selected step.
import { useMemo, useState } from 'react';
import { DagView } from '@/components/dag/dag-view';
import { ModeSwitcher } from '@/components/dag/mode-switcher';
import { NodeList } from '@/components/dag/node-list';
import { NodePanel } from '@/components/dag/node-panel';
import { PhaseLegend } from '@/components/dag/phase-badge';
import { SweepGridView } from '@/components/dag/sweep-grid-view';
import { Button } from '@/components/ui/button';
import { HIDDEN_TYPE, type ViewMode } from '@/lib/domain/workflow/collapse';
import { buildSweepGrid } from '@/lib/domain/workflow/grid';
import type { WorkflowPreview } from '@/lib/domain/workflow/preview';
import type { PolicyViolation } from '@/lib/domain/policy';
import { availableModes, chooseMode } from '@/components/dag/view-modes';
import { PreviewProblems, PreviewViolations } from './preview-problems';

export interface PreviewResultProps {
  /** violations: what the workload policy would refuse (POST /api/workflows/preview answers them) */
  preview: WorkflowPreview & { violations?: PolicyViolation[] };
  expandedCount: number;
  onExpand: (expandKey: string) => void;
  onCollapseAll: () => void;
  refreshing: boolean;
}

export function PreviewResult({ preview, expandedCount, onExpand, onCollapseAll, refreshing }: PreviewResultProps) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [chosenMode, setChosenMode] = useState<ViewMode | null>(null);
  // The grid needs every configuration of the fan-out, so it exists once that fan-out is expanded.
  const grid = useMemo(() => buildSweepGrid(preview), [preview]);
  const steps = useMemo(() => preview.nodes.filter((n) => n.type !== HIDDEN_TYPE), [preview.nodes]);
  const modes = availableModes(grid !== null);
  // The server's nodes are always drawable: past the limits they are the collapsed overview.
  const mode = chooseMode('graph', chosenMode, modes);
  const selected = preview.nodes.find((n) => n.id === selectedId) ?? null;
  const hiddenCount = preview.totalNodes - steps.length;

  return (
    <div className="space-y-4" aria-busy={refreshing}>
      <PreviewProblems problems={preview.problems} />
      <PreviewViolations violations={preview.violations ?? []} />
      {preview.nodes.length > 0 && (
        <>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="preview-summary">
              {preview.totalNodes} steps, {preview.totalEdges} edges
              {hiddenCount > 0 ? `; ${hiddenCount} hidden in collapsed groups` : ''}
            </p>
            <div className="flex items-center gap-2">
              {expandedCount > 0 && (
                <Button variant="secondary" onClick={onCollapseAll}>
                  Collapse all
                </Button>
              )}
              <ModeSwitcher modes={modes} value={mode} onChange={setChosenMode} />
            </div>
          </div>
          {preview.mode !== 'graph' && (
            <p
              role="status"
              className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
            >
              Expanded, this workflow has more than 250 drawn nodes or 500 edges, which would not be readable; the
              collapsed overview is shown instead. Collapse some groups to draw them again.
            </p>
          )}
          <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
            <div className="min-w-0 space-y-3">
              {mode === 'graph' && (
                <>
                  <DagView graph={preview} onSelect={setSelectedId} onExpand={onExpand} selectedId={selectedId} />
                  <PhaseLegend />
                </>
              )}
              {mode === 'grid' && grid && <SweepGridView grid={grid} onSelect={setSelectedId} />}
              {mode === 'list' && <NodeList nodes={steps} onSelect={setSelectedId} selectedId={selectedId} />}
            </div>
            {selected ? (
              <NodePanel node={selected} onClose={() => setSelectedId(null)} />
            ) : (
              <p className="text-sm text-slate-500 dark:text-slate-400">Select a step to see its inputs and details.</p>
            )}
          </div>
        </>
      )}
    </div>
  );
}

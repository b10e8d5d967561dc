'use client';
// The workflow DAG from an already collapsed view (lib/domain/workflow collapse), laid out by dagre
// and drawn as React SVG (dag-svg.tsx); Mermaid itself took 0.6 s for 60 nodes and 3.4 s for 240
// (docs/benchmarks.md), so it only supplies the copyable source now. The layout is recomputed only
// when the structure or labels change: a live update that changes phases repaints in place, keeping
// zoom and scroll. Click or Enter selects a node; an "N hidden" placeholder asks to be expanded.
import { useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { HIDDEN_TYPE } from '@/lib/domain/workflow/collapse';
import { layoutDag, layoutKey, type DagLayout } from '@/lib/domain/workflow/dag-layout';
import type { GraphEdge, GraphNode } from '@/lib/domain/workflow/graph-model';
import { DagSvg } from './dag-svg';
import { DagToolbar } from './dag-toolbar';

export interface DagGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Placeholder id -> the key to send back to expand it (from buildView or the preview API). */
  placeholders?: Record<string, { expandKey: string }>;
}

export interface DagViewProps {
  graph: DagGraph;
  onSelect?: (nodeId: string) => void;
  /** Called with a placeholder's expandKey when the user opens an "N hidden" node. */
  onExpand?: (expandKey: string) => void;
  selectedId?: string | null;
  direction?: 'TD' | 'LR';
}

type Drawn = { layout: DagLayout; error?: undefined } | { layout?: undefined; error: string };

/**
 * The geometry of `graph`, computed again only when its layout key changes: same structure and
 * labels, same geometry. The graph last laid out is held in state (React's "storing information
 * from previous renders"), so the memo below depends on nothing that changes with a phase.
 */
function useDagLayout(graph: DagGraph, direction: 'TD' | 'LR'): Drawn {
  const key = useMemo(() => layoutKey(graph, { direction }), [graph, direction]);
  const [source, setSource] = useState({ key, graph, direction });
  if (source.key !== key) setSource({ key, graph, direction });
  return useMemo(() => {
    try {
      return { layout: layoutDag(source.graph, { direction: source.direction }) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [source]);
}

export function DagView({ graph, onSelect, onExpand, selectedId = null, direction = 'TD' }: DagViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const markerId = `dag-arrow-${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const [zoom, setZoom] = useState<number | null>(null);
  const drawn = useDagLayout(graph, direction);
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph.nodes]);

  function activate(target: EventTarget | null) {
    const el = target instanceof Element ? target.closest('g.node') : null;
    const node = byId.get(el?.getAttribute('data-node-id') ?? '');
    if (!node) return;
    if (node.type === HIDDEN_TYPE) onExpand?.(graph.placeholders?.[node.id]?.expandKey ?? node.parentId ?? node.id);
    else onSelect?.(node.id);
  }

  function zoomBy(factor: number) {
    const svg = container.current?.querySelector('svg');
    const natural = drawn.layout?.width ?? 0;
    const current = zoom ?? (svg && natural > 0 ? svg.getBoundingClientRect().width / natural : 1);
    setZoom(Math.min(3, Math.max(0.1, current * factor)));
  }

  return (
    <div className="space-y-2">
      <DagToolbar
        graph={graph}
        direction={direction}
        zoomed={zoom !== null}
        onZoomIn={() => zoomBy(1.25)}
        onZoomOut={() => zoomBy(0.8)}
        onFit={() => setZoom(null)}
      />
      {drawn.error !== undefined && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not draw the graph: {drawn.error}
        </p>
      )}
      <div
        ref={container}
        role="group"
        aria-label={`Workflow graph, ${graph.nodes.length} nodes`}
        data-testid="dag-view"
        data-state={drawn.layout ? 'ready' : 'error'}
        className="max-h-[75vh] overflow-auto rounded-md border border-slate-200 dark:border-slate-800 [&_g.node]:cursor-pointer [&_g.node:focus-visible]:outline-2 [&_g.node:focus-visible]:outline-indigo-500"
        onClick={(e: MouseEvent) => activate(e.target)}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key !== 'Enter' && e.key !== ' ') return;
          e.preventDefault();
          activate(e.target);
        }}
      >
        {drawn.layout && (
          <DagSvg layout={drawn.layout} byId={byId} selectedId={selectedId} zoom={zoom} markerId={markerId} />
        )}
      </div>
    </div>
  );
}

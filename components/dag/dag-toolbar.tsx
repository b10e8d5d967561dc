'use client';
// Zoom controls and the graph's Mermaid source (escaped labels, phase classes) to copy into docs,
// issues or any Mermaid renderer. The source is built only when asked for.
import { useState } from 'react';
import type { GraphEdge, GraphNode } from '@/lib/domain/workflow/graph-model';
import { renderMermaid } from '@/lib/domain/workflow/mermaid';
import { Button } from '@/components/ui/button';
import { PHASE_COLOURS, phaseMeta } from './phase-styles';

export interface DagToolbarProps {
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  direction: 'TD' | 'LR';
  zoomed: boolean;
  onZoomIn: () => void;
  onZoomOut: () => void;
  onFit: () => void;
}

export function DagToolbar({ graph, direction, zoomed, onZoomIn, onZoomOut, onFit }: DagToolbarProps) {
  const [source, setSource] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function copyMermaid() {
    const text = toMermaid(graph, direction);
    setSource(text);
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      // No clipboard (plain http, or denied): the source is shown below to copy by hand.
      setCopied(false);
    }
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2" aria-label="Graph controls" role="toolbar">
        <Button variant="secondary" onClick={onZoomOut} aria-label="Zoom out">
          −
        </Button>
        <Button variant="secondary" onClick={onZoomIn} aria-label="Zoom in">
          +
        </Button>
        <Button variant="secondary" onClick={onFit} disabled={!zoomed}>
          Fit width
        </Button>
        <Button variant="secondary" onClick={() => void copyMermaid()}>
          Copy as Mermaid
        </Button>
        {copied && (
          <span role="status" className="text-xs text-slate-600 dark:text-slate-400">
            Mermaid source copied
          </span>
        )}
      </div>
      {source !== null && (
        <details open={!copied} className="text-xs">
          <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Mermaid source</summary>
          <textarea
            readOnly
            aria-label="Mermaid source"
            value={source}
            rows={8}
            className="mt-1 w-full rounded border border-slate-300 bg-white p-2 font-mono dark:border-slate-700 dark:bg-slate-900"
          />
        </details>
      )}
    </div>
  );
}

/** Colour is never the only signal: in the Mermaid source too, a node's label starts with its phase icon. */
export function toMermaid(graph: { nodes: GraphNode[]; edges: GraphEdge[] }, direction: 'TD' | 'LR' = 'TD'): string {
  const nodes = graph.nodes.map((n) => (n.phase ? { ...n, label: `${phaseMeta(n.phase).icon} ${n.label}` } : n));
  return renderMermaid({ nodes, edges: graph.edges }, { styles: PHASE_COLOURS, direction });
}

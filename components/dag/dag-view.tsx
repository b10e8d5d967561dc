'use client';
// The workflow DAG drawn by Mermaid from an already collapsed view (lib/domain/workflow collapse).
// Nodes are focusable; click or Enter selects a node, and an "N hidden" placeholder asks the
// caller to expand it (the caller keeps the expanded set, so it can re-post or re-collapse).
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { HIDDEN_TYPE } from '@/lib/domain/workflow/collapse';
import type { GraphEdge, GraphNode } from '@/lib/domain/workflow/graph-model';
import { renderMermaid } from '@/lib/domain/workflow/mermaid';
import { renderMermaidSvg } from './load-mermaid';
import { indexMermaidIds, mermaidNameOf } from './mermaid-ids';
import { MERMAID_PHASE_STYLES, phaseMeta } from './phase-styles';

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
  /** Milliseconds from Mermaid source to nodes in the page (Mermaid's loading included, if it was not yet loaded). */
  onRendered?: (ms: number) => void;
}

let renderCounter = 0;

export function DagView({ graph, onSelect, onExpand, selectedId, direction = 'TD', onRendered }: DagViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const baseId = useId().replace(/[^a-zA-Z0-9]/g, '');
  const [status, setStatus] = useState<{ state: 'loading' | 'ready' | 'error'; message?: string; ms?: number }>({ state: 'loading' });
  const text = useMemo(() => renderMermaid(withPhaseIcons(graph), { styles: MERMAID_PHASE_STYLES, direction }), [graph, direction]);
  const names = useMemo(() => indexMermaidIds(graph.nodes), [graph.nodes]);
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph.nodes]);
  const latest = useRef({ names, byId, graph, onSelect, onExpand, onRendered });
  latest.current = { names, byId, graph, onSelect, onExpand, onRendered };

  useEffect(() => {
    let cancelled = false;
    const started = performance.now();
    setStatus({ state: 'loading' });
    renderMermaidSvg(text, `dag-${baseId}-${++renderCounter}`)
      .then((svg) => {
        if (cancelled || !container.current) return;
        container.current.innerHTML = svg;
        decorateNodes(container.current, latest.current.names, latest.current.byId);
        const ms = Math.round(performance.now() - started);
        container.current.dataset.renderMs = String(ms);
        setStatus({ state: 'ready', ms });
        latest.current.onRendered?.(ms);
      })
      .catch((error: unknown) => {
        if (!cancelled) setStatus({ state: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [text, baseId]);

  useEffect(() => {
    if (status.state !== 'ready' || !container.current) return;
    for (const el of container.current.querySelectorAll<SVGGElement>('g.node')) {
      const id = latest.current.names.get(mermaidNameOf(el) ?? '');
      const selected = id !== undefined && id === selectedId;
      el.style.outline = selected ? '3px solid #6366f1' : '';
      el.setAttribute('aria-pressed', String(selected));
    }
  }, [selectedId, status]);

  function activate(target: EventTarget | null) {
    const el = target instanceof Element ? target.closest('g.node') : null;
    if (!el) return;
    const { names, byId, graph: current, onSelect: select, onExpand: expand } = latest.current;
    const id = names.get(mermaidNameOf(el) ?? '');
    const node = id ? byId.get(id) : undefined;
    if (!node) return;
    if (node.type === HIDDEN_TYPE) expand?.(current.placeholders?.[node.id]?.expandKey ?? node.parentId ?? node.id);
    else select?.(node.id);
  }

  return (
    <div className="relative">
      {status.state === 'loading' && <p className="text-sm text-slate-500 dark:text-slate-400">Drawing graph…</p>}
      {status.state === 'error' && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not draw the graph: {status.message}
        </p>
      )}
      <div
        ref={container}
        role="group"
        aria-label={`Workflow graph, ${graph.nodes.length} nodes`}
        data-testid="dag-view"
        data-state={status.state}
        className="overflow-auto [&_g.node]:cursor-pointer"
        onClick={(e: MouseEvent) => activate(e.target)}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key !== 'Enter' && e.key !== ' ') return;
          e.preventDefault();
          activate(e.target);
        }}
      />
    </div>
  );
}

/** Colour is never the only signal: a node that has a phase carries its icon in the label too. */
function withPhaseIcons(graph: DagGraph): DagGraph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.phase ? { ...n, label: `${phaseMeta(n.phase).icon} ${n.label}` } : n)) };
}

/** Makes every drawn node a keyboard-reachable button named by its label and phase. */
function decorateNodes(root: HTMLElement, names: Map<string, string>, byId: Map<string, GraphNode>) {
  for (const el of root.querySelectorAll<SVGGElement>('g.node')) {
    const node = byId.get(names.get(mermaidNameOf(el) ?? '') ?? '');
    if (!node) continue;
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('data-node-id', node.id);
    el.setAttribute(
      'aria-label',
      node.type === HIDDEN_TYPE ? `${node.label}: expand` : `${node.label}, ${phaseMeta(node.phase).label}`,
    );
  }
}

'use client';
// Every node as a row, a page at a time: the view for graphs too big to draw (a 10,000-step
// workflow renders 100 rows, not 10,000).
import type { GraphNode } from '@/lib/domain/workflow/graph-model';
import { describeNodeKind, formatNodeDuration } from './format';
import { Pager, usePaged } from '@/components/ui/pager';
import { PhaseBadge } from './phase-badge';

const LIST_PAGE_SIZE = 100;

export function NodeList({
  nodes,
  onSelect,
  selectedId,
}: {
  nodes: GraphNode[];
  onSelect?: (nodeId: string) => void;
  selectedId?: string | null;
}) {
  const current = usePaged(nodes, LIST_PAGE_SIZE);
  return (
    <div data-testid="node-list">
      <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
        {current.items.map((node) => (
          <li key={node.id}>
            <button
              type="button"
              aria-pressed={node.id === selectedId}
              onClick={() => onSelect?.(node.id)}
              className="flex w-full items-center justify-between gap-3 px-2 py-1.5 text-left hover:bg-slate-50 aria-pressed:bg-indigo-50 dark:hover:bg-slate-800 dark:aria-pressed:bg-indigo-950"
            >
              <span className="min-w-0 truncate">
                <span className="font-medium">{node.label}</span>
                <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">{describeNodeKind(node)}</span>
              </span>
              <span className="flex shrink-0 items-center gap-2 text-xs">
                {formatNodeDuration(node)}
                <PhaseBadge phase={node.phase} />
              </span>
            </button>
          </li>
        ))}
      </ul>
      {current.pages > 1 && <Pager label="Pages" {...current} note={`${nodes.length} steps`} />}
    </div>
  );
}

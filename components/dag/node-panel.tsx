'use client';
// The side panel for one node: what went in, what came out, how long, where it ran and why it
// ended. Logs come from the caller (a separate feature), through the `logs` slot.
import type { ReactNode } from 'react';
import type { GraphNode } from '@/lib/domain/workflow/graph-model';
import { describeNodeKind, formatEstimate, formatNodeDuration } from './format';
import { PhaseBadge } from './phase-badge';

export interface NodePanelProps {
  node: GraphNode;
  /** Output parameters and artifacts, when the caller has them (status.nodes[id].outputs). */
  outputs?: Record<string, string>;
  /** The pod's name; Argo derives it from workflow, template and node id (ui/src/shared/pod-name.ts). */
  podName?: string | null;
  /** The node's logs, rendered by the caller. */
  logs?: ReactNode;
  onClose?: () => void;
  now?: number;
}

export function NodePanel({ node, outputs, podName, logs, onClose, now }: NodePanelProps) {
  const duration = formatNodeDuration(node, now);
  const estimate = formatEstimate(node);
  const inputs = Object.entries(node.parameters);
  const outs = Object.entries(outputs ?? {});
  return (
    <aside
      aria-label={`Step ${node.label}`}
      data-testid="node-panel"
      className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-3 flex items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold break-all">{node.label}</h3>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {describeNodeKind(node)}
            {node.templateName ? ` · template ${node.templateName}` : ''}
          </p>
        </div>
        {onClose && (
          <button
            type="button"
            onClick={onClose}
            className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
            aria-label="Close step details"
          >
            ✕
          </button>
        )}
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt className="text-slate-500 dark:text-slate-400">Phase</dt>
        <dd>
          <PhaseBadge phase={node.phase} />
          {estimate && <span className="ml-2 text-xs">{estimate}</span>}
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">Duration</dt>
        <dd>{duration ?? '—'}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Pod</dt>
        <dd className="font-mono text-xs break-all">{podName ?? '—'}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Exit code</dt>
        <dd>{node.exitCode ?? '—'}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Message</dt>
        <dd className="break-words">{node.message ?? '—'}</dd>
      </dl>
      <KeyValues title="Inputs" entries={inputs} />
      <KeyValues title="Outputs" entries={outs} />
      <section className="mt-3">
        <h4 className="mb-1 font-medium">Logs</h4>
        {logs ?? <p className="text-xs text-slate-500 dark:text-slate-400">No logs for this step.</p>}
      </section>
    </aside>
  );
}

function KeyValues({ title, entries }: { title: string; entries: Array<[string, string]> }) {
  return (
    <section className="mt-3">
      <h4 className="mb-1 font-medium">{title}</h4>
      {entries.length === 0 ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">None</p>
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 font-mono text-xs">
          {entries.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
              <dd className="break-all">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

import type { NodePhase } from '@/lib/domain/workflow/types';
import { PHASE_COLOURS, phaseMeta, type PhaseKey } from './phase-styles';

/** A phase as icon plus words, coloured; used in lists, the grid and the node panel. */
export function PhaseBadge({ phase }: { phase: NodePhase | null }) {
  const meta = phaseMeta(phase);
  return (
    <span
      className={`inline-flex items-center gap-1 rounded border px-1.5 py-0.5 text-xs font-medium ${meta.className}`}
    >
      <span aria-hidden="true">{meta.icon}</span>
      {meta.label}
    </span>
  );
}

const LEGEND: PhaseKey[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Skipped', 'Hidden'];

/** What the graph's colours and icons mean. */
export function PhaseLegend() {
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-3 text-xs text-slate-600 dark:text-slate-300">
      {LEGEND.map((key) => {
        const style = PHASE_COLOURS[key];
        const meta = key === 'Hidden' ? { icon: '…', label: 'N hidden: click to expand' } : phaseMeta(key);
        return (
          <li key={key} className="inline-flex items-center gap-1">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-3 rounded-sm border"
              style={{ background: style.fill, borderColor: style.stroke }}
            />
            <span aria-hidden="true">{meta.icon}</span>
            {key === 'Pending' ? 'Pending / not started' : meta.label}
          </li>
        );
      })}
    </ul>
  );
}

'use client';
import type { ViewMode } from '@/lib/domain/workflow/collapse';

const LABELS: Record<ViewMode, string> = { graph: 'Graph', grid: 'Grid', list: 'List' };

/** Graph, grid or list; modes the data cannot support are left out by the caller. */
export function ModeSwitcher({
  modes,
  value,
  onChange,
}: {
  modes: ViewMode[];
  value: ViewMode;
  onChange: (mode: ViewMode) => void;
}) {
  return (
    <div
      role="group"
      aria-label="View"
      className="inline-flex overflow-hidden rounded-md border border-slate-300 text-sm dark:border-slate-600"
    >
      {modes.map((mode) => (
        <button
          key={mode}
          type="button"
          aria-pressed={mode === value}
          onClick={() => onChange(mode)}
          className="px-3 py-1 aria-pressed:bg-indigo-600 aria-pressed:text-white hover:bg-slate-100 aria-pressed:hover:bg-indigo-600 dark:hover:bg-slate-800"
        >
          {LABELS[mode]}
        </button>
      ))}
    </div>
  );
}

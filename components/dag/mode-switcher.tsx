'use client';
import { Segmented } from '@/components/ui/segmented';
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
    <Segmented
      role="group"
      label="View"
      options={modes}
      value={value}
      onChange={onChange}
      textOf={(mode) => LABELS[mode]}
    />
  );
}

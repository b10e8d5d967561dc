// Phase presentation for the DAG views: node colours (the drawn SVG, the legend and the classes of
// "Copy as Mermaid") plus, for HTML, a badge with an icon and the phase in words, so colour is never
// the only signal. The fills are light tints with dark text and a saturated border: they read the
// same on the light and the dark page background.
import type { PhaseStyle } from '@/lib/domain/workflow/mermaid';
import type { NodePhase } from '@/lib/domain/workflow/types';

/** `Pending` also stands for "no phase yet" (a preview), `Hidden` for "N hidden" placeholders. */
export type PhaseKey = NodePhase | 'Hidden';

export const PHASE_COLOURS: Record<PhaseKey, PhaseStyle> = {
  Pending: { fill: '#f1f5f9', stroke: '#64748b', color: '#0f172a' },
  Running: { fill: '#dbeafe', stroke: '#2563eb', color: '#1e3a8a' },
  Succeeded: { fill: '#dcfce7', stroke: '#16a34a', color: '#14532d' },
  Skipped: { fill: '#f5f5f4', stroke: '#a8a29e', color: '#44403c' },
  Omitted: { fill: '#f5f5f4', stroke: '#a8a29e', color: '#44403c' },
  Failed: { fill: '#fee2e2', stroke: '#dc2626', color: '#7f1d1d' },
  Error: { fill: '#ffedd5', stroke: '#ea580c', color: '#7c2d12' },
  Hidden: { fill: '#eef2ff', stroke: '#6366f1', color: '#312e81' },
};

export interface PhaseMeta {
  /** What a screen reader and a colour-blind reader get: the phase in words. */
  label: string;
  /** A glyph that differs per phase, shown next to the label. */
  icon: string;
  /** Tailwind classes for a badge or grid cell, light and dark. */
  className: string;
}

const META: Record<PhaseKey, PhaseMeta> = {
  Pending: {
    label: 'Pending',
    icon: '○',
    className:
      'border-slate-400 bg-slate-100 text-slate-800 dark:border-slate-500 dark:bg-slate-800 dark:text-slate-100',
  },
  Running: {
    label: 'Running',
    icon: '◐',
    className: 'border-blue-500 bg-blue-50 text-blue-900 dark:border-blue-400 dark:bg-blue-950 dark:text-blue-100',
  },
  Succeeded: {
    label: 'Succeeded',
    icon: '✓',
    className:
      'border-green-600 bg-green-50 text-green-900 dark:border-green-400 dark:bg-green-950 dark:text-green-100',
  },
  Skipped: {
    label: 'Skipped',
    icon: '↷',
    className:
      'border-stone-400 bg-stone-100 text-stone-700 dark:border-stone-500 dark:bg-stone-800 dark:text-stone-200',
  },
  Omitted: {
    label: 'Omitted',
    icon: '–',
    className:
      'border-stone-400 bg-stone-100 text-stone-700 dark:border-stone-500 dark:bg-stone-800 dark:text-stone-200',
  },
  Failed: {
    label: 'Failed',
    icon: '✕',
    className: 'border-red-600 bg-red-50 text-red-900 dark:border-red-400 dark:bg-red-950 dark:text-red-100',
  },
  Error: {
    label: 'Error',
    icon: '!',
    className:
      'border-orange-600 bg-orange-50 text-orange-900 dark:border-orange-400 dark:bg-orange-950 dark:text-orange-100',
  },
  Hidden: {
    label: 'Hidden',
    icon: '…',
    className:
      'border-indigo-500 bg-indigo-50 text-indigo-900 dark:border-indigo-400 dark:bg-indigo-950 dark:text-indigo-100',
  },
};

/** A node without a phase (nothing has run: a preview) reads as "Not started". */
export function phaseMeta(phase: NodePhase | null | undefined): PhaseMeta {
  if (!phase) return { ...META.Pending, label: 'Not started' };
  return META[phase] ?? META.Pending;
}

// Presentation helpers for telemetry: axis ticks per range, values per metric, heat colours.
import type { ChartRange, Metric } from './types';

export function formatTick(t: number, range: ChartRange): string {
  const iso = new Date(t).toISOString();
  return range === '1h' || range === '24h' ? iso.slice(11, 16) : iso.slice(5, 10);
}

export function formatValue(v: number | null | undefined, metric: Metric): string {
  if (v === null || v === undefined) return '—';
  if (metric === 'util') return `${v.toFixed(1)} %`;
  if (metric === 'fb') return v >= 1024 ? `${(v / 1024).toFixed(1)} GiB` : `${Math.round(v)} MiB`;
  return `${v.toFixed(0)} W`;
}

/** Utilization 0-100 -> a background class, from cold (idle) to hot (busy). */
export function heatClass(v: number | null): string {
  if (v === null) return 'bg-slate-100 dark:bg-slate-800';
  if (v < 5) return 'bg-sky-100 dark:bg-sky-950';
  if (v < 25) return 'bg-emerald-200 dark:bg-emerald-900';
  if (v < 50) return 'bg-lime-300 dark:bg-lime-700';
  if (v < 75) return 'bg-amber-400 dark:bg-amber-600';
  return 'bg-red-500 dark:bg-red-600';
}

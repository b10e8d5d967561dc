// How metric values print in tables, charts and the share page.
import { METRICS, type MetricKey } from '@/lib/domain/benchmarks/results';

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 1) return Number(v.toPrecision(3)).toString();
  return Number(v.toPrecision(2)).toString();
}

export function metricLabel(key: MetricKey): string {
  return METRICS[key].label;
}

export function metricHeading(key: MetricKey): string {
  return `${METRICS[key].label} (${METRICS[key].unit})`;
}

/** Share-page and console weights as percentages of their sum, e.g. "60%". */
export function formatWeightShare(weights: readonly number[], j: number): string {
  const sum = weights.reduce((a, b) => a + b, 0);
  return sum > 0 ? `${Math.round((weights[j] / sum) * 100)}%` : '0%';
}

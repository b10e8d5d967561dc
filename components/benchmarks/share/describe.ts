import type { ShareSnapshot } from '@/lib/domain/benchmarks/ranking-settings';
import { formatWeightShare, metricLabel } from '../metric-format';

/** One line for link previews: "Top: X. 40 configurations ranked by throughput 75%, TTFT mean 25%." */
export function describeSharedRanking(s: ShareSnapshot): string {
  const weights = s.settings.criteria
    .map((k, j) => `${metricLabel(k)} ${formatWeightShare(s.settings.weights, j)}`)
    .join(', ');
  const top = s.recommendations[0] ? `Top: ${s.rows[s.recommendations[0].index].label}. ` : '';
  return `${top}${s.rows.length} configurations from ${s.datasetName} ranked by ${weights}.`;
}

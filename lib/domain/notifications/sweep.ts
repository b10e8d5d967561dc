// sweep.finished: the best configuration of a finished sweep under the weights it is ranked with.
import type { BenchmarkResult } from '@/lib/domain/benchmarks/results';
import {
  formatResultLabel,
  prepareResultRanking,
  scoreResultRanking,
  type RankingSettings,
} from '@/lib/domain/benchmarks/ranking-settings';

export interface TopConfiguration {
  label: string;
  configurationId: string;
  closeness: number;
  metrics: Record<string, number>;
}

/** The top-ranked result (TOPSIS under the settings' weights and constraints), or null when none qualifies. */
export function topConfiguration(results: BenchmarkResult[], settings: RankingSettings): TopConfiguration | null {
  if (!results.length) return null;
  const prepared = prepareResultRanking(results, settings);
  const scored = scoreResultRanking(prepared, settings.weights, 1);
  const best = scored.order[0];
  if (best === undefined) return null;
  const r = results[prepared.rows[best]];
  const metrics = Object.fromEntries(
    settings.criteria.flatMap((k) => (r.metrics[k] === undefined ? [] : [[k, r.metrics[k]]])),
  );
  return {
    label: formatResultLabel(r),
    configurationId: r.configurationId,
    closeness: Number((scored.closeness[best] ?? 0).toFixed(4)),
    metrics,
  };
}

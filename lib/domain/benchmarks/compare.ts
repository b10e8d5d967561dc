// Comparison of two benchmark datasets (e.g. two sweeps): results are matched by configuration id,
// falling back to the same model + engine + quantization + GPU (kind x count) + batch size, and each
// matched pair is classified as a regression, an improvement or unchanged on one metric, taking
// the metric's direction (benefit or cost) into account.
import { METRICS, type BenchmarkResult, type MetricKey } from './results';

export type ComparableResult = Pick<
  BenchmarkResult,
  'configurationId' | 'attempt' | 'model' | 'engine' | 'quantization' | 'gpuKind' | 'gpuCount' | 'batchSize' | 'metrics'
>;

type ChangeStatus = 'regression' | 'improvement' | 'unchanged';

interface ComparedPair<R extends ComparableResult = ComparableResult> {
  /** configuration id of A's result */
  key: string;
  matchedBy: 'configuration-id' | 'fallback';
  a: R;
  b: R;
  valueA: number;
  valueB: number;
  /** (B - A) / A; 0 when both are 0, ±Infinity when only A is 0 */
  relativeChange: number;
  status: ChangeStatus;
}

export interface Comparison<R extends ComparableResult = ComparableResult> {
  metric: MetricKey;
  threshold: number;
  /** worst regression first, best improvement last */
  pairs: ComparedPair<R>[];
  counts: {
    regressions: number;
    improvements: number;
    unchanged: number;
    unmatchedA: number;
    unmatchedB: number;
    missingMetric: number;
  };
}

export const DEFAULT_REGRESSION_THRESHOLD = 0.05;

function fallbackKey(r: ComparableResult): string {
  return [r.model, r.engine, r.quantization, r.gpuKind, r.gpuCount, r.batchSize].map((v) => v ?? '').join('|');
}

/** Latest attempt per key. */
function latestBy<R extends ComparableResult>(results: readonly R[], keyOf: (r: R) => string): Map<string, R> {
  const out = new Map<string, R>();
  for (const r of results) {
    const k = keyOf(r);
    const prior = out.get(k);
    if (!prior || r.attempt > prior.attempt) out.set(k, r);
  }
  return out;
}

export function relativeChange(a: number, b: number): number {
  if (a === 0) return b === 0 ? 0 : b > 0 ? Infinity : -Infinity;
  return (b - a) / a;
}

/** Positive = B is better than A, in the metric's own direction. */
function signedImprovement(metric: MetricKey, change: number): number {
  return METRICS[metric].direction === 'benefit' ? change : -change;
}

export function compareResults<R extends ComparableResult>(
  resultsA: readonly R[],
  resultsB: readonly R[],
  metric: MetricKey,
  threshold: number = DEFAULT_REGRESSION_THRESHOLD,
): Comparison<R> {
  const a = [...latestBy(resultsA, (r) => r.configurationId).values()];
  const bById = latestBy(resultsB, (r) => r.configurationId);
  const usedB = new Set<R>();
  const matches: { a: R; b: R; matchedBy: ComparedPair['matchedBy'] }[] = [];
  const unmatchedA: R[] = [];
  for (const r of a) {
    const b = bById.get(r.configurationId);
    if (b) {
      usedB.add(b);
      matches.push({ a: r, b, matchedBy: 'configuration-id' });
    } else unmatchedA.push(r);
  }
  // Fallback: first unused B result with the same model/engine/quantization/GPU/batch.
  const bByFallback = new Map<string, R[]>();
  for (const b of bById.values()) {
    if (usedB.has(b)) continue;
    const k = fallbackKey(b);
    bByFallback.set(k, [...(bByFallback.get(k) ?? []), b]);
  }
  let stillUnmatchedA = 0;
  for (const r of unmatchedA) {
    const b = bByFallback.get(fallbackKey(r))?.shift();
    if (b) {
      usedB.add(b);
      matches.push({ a: r, b, matchedBy: 'fallback' });
    } else stillUnmatchedA++;
  }
  const counts = {
    regressions: 0,
    improvements: 0,
    unchanged: 0,
    unmatchedA: stillUnmatchedA,
    unmatchedB: bById.size - usedB.size,
    missingMetric: 0,
  };
  const pairs: ComparedPair<R>[] = [];
  for (const m of matches) {
    const valueA = m.a.metrics[metric];
    const valueB = m.b.metrics[metric];
    if (valueA === undefined || valueB === undefined) {
      counts.missingMetric++;
      continue;
    }
    const change = relativeChange(valueA, valueB);
    const better = signedImprovement(metric, change);
    const status: ChangeStatus = better < -threshold ? 'regression' : better > threshold ? 'improvement' : 'unchanged';
    if (status === 'regression') counts.regressions++;
    else if (status === 'improvement') counts.improvements++;
    else counts.unchanged++;
    pairs.push({
      key: m.a.configurationId,
      matchedBy: m.matchedBy,
      a: m.a,
      b: m.b,
      valueA,
      valueB,
      relativeChange: change,
      status,
    });
  }
  pairs.sort(
    (x, y) =>
      signedImprovement(metric, x.relativeChange) - signedImprovement(metric, y.relativeChange) ||
      (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
  );
  return { metric, threshold, pairs, counts };
}

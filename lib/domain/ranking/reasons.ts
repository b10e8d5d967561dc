// Plain-language reasons for a recommendation, so a user sees why a configuration ranks where it
// does: which weighted criteria it leads on, how close it is elsewhere, and where it trails.
import type { FlatMatrix } from './flat-matrix';

export interface ColumnExtremes {
  /** best feasible value per column (max for benefit, min for cost) */
  best: Float64Array;
  worst: Float64Array;
}

export function findColumnExtremes(m: FlatMatrix, rows: ArrayLike<number>, signs: Int8Array): ColumnExtremes {
  const { data, cols } = m;
  const best = new Float64Array(cols);
  const worst = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let b = signs[j] > 0 ? -Infinity : Infinity;
    let w = -b;
    for (let k = 0; k < rows.length; k++) {
      const v = data[rows[k] * cols + j];
      if (signs[j] > 0 ? v > b : v < b) b = v;
      if (signs[j] > 0 ? v < w : v > w) w = v;
    }
    best[j] = b;
    worst[j] = w;
  }
  return { best, worst };
}

/** How far v is from the best value, as a fraction of the best (or of the range when best is 0). */
function measureGap(v: number, best: number, worst: number): number {
  const diff = Math.abs(v - best);
  if (diff === 0) return 0;
  const scale = best !== 0 ? Math.abs(best) : Math.abs(worst - best);
  return scale > 0 ? diff / scale : 0;
}

function formatPercent(gap: number): string {
  const pct = gap * 100;
  return pct < 1 ? '<1%' : `${Math.round(pct)}%`;
}

export interface ReasonInput {
  m: FlatMatrix;
  row: number;
  rank: number;
  closeness: number;
  paretoRank: number;
  /** normalised to sum 1 */
  weights: ArrayLike<number>;
  names: readonly string[];
  extremes: ColumnExtremes;
}

/** e.g. "best on throughput (weight 0.40), within 8% of best p95 latency; Pareto-optimal" */
export function explainRecommendation(r: ReasonInput): string {
  const { m, row, weights, names, extremes } = r;
  const weighted: { j: number; gap: number; spread: number }[] = [];
  for (let j = 0; j < m.cols; j++) {
    if (!(weights[j] > 0)) continue;
    const v = m.data[row * m.cols + j];
    const range = Math.abs(extremes.worst[j] - extremes.best[j]);
    weighted.push({
      j,
      gap: measureGap(v, extremes.best[j], extremes.worst[j]),
      spread: range > 0 ? Math.abs(v - extremes.best[j]) / range : 0,
    });
  }
  weighted.sort((a, b) => weights[b.j] - weights[a.j] || a.j - b.j);

  const clauses: string[] = [];
  for (const c of weighted) {
    if (c.gap === 0) clauses.push(`best on ${names[c.j]} (weight ${Number(weights[c.j]).toFixed(2)})`);
  }
  for (const c of weighted) {
    if (clauses.length >= 3) break;
    if (c.gap > 0 && c.gap <= 0.1) clauses.push(`within ${formatPercent(c.gap)} of best ${names[c.j]}`);
  }
  // Leads nowhere: it wins as a compromise, so say how far into each range it sits.
  if (clauses.length === 0 && weighted.length > 0) {
    const parts = [...weighted]
      .sort((a, b) => a.spread - b.spread)
      .slice(0, 2)
      .map((c) => `${formatPercent(c.spread)} of the range from best ${names[c.j]}`);
    clauses.push(`balanced trade-off: ${parts.join(', ')}`);
  }
  // The criterion costing it the most distance to the ideal: weight x position within the range.
  if (r.rank > 1) {
    let worst: (typeof weighted)[number] | null = null;
    for (const c of weighted) {
      if (c.gap > 0.1 && (!worst || weights[c.j] * c.spread > weights[worst.j] * worst.spread)) worst = c;
    }
    if (worst) clauses.push(`trails on ${names[worst.j]} (${formatPercent(worst.gap)} from best)`);
  }
  const pareto = r.paretoRank === 1 ? 'Pareto-optimal' : `Pareto front ${r.paretoRank}`;
  return `#${r.rank} (closeness ${r.closeness.toFixed(3)}): ${clauses.join(', ')}; ${pareto}`;
}

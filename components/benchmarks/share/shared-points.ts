// Scatter data for a share page, from the frozen snapshot only (never the live dataset).
import type { ShareSnapshot } from '@/lib/domain/benchmarks/ranking-settings';
import { findParetoFront2d } from '@/lib/domain/benchmarks/scatter';
import type { ScatterPoint } from '../pareto-scatter';
import { metricHeading } from '../metric-format';

export function buildSharedScatter(s: ShareSnapshot): { points: ScatterPoint[]; xLabel: string; yLabel: string } {
  const { criteria, directions } = s.settings;
  const ranked = s.rows.filter((r) => r.closeness !== null);
  // One criterion: plot it against the score, which is then the second "benefit" axis.
  const two = criteria.length >= 2;
  const points: ScatterPoint[] = ranked.map((r) => ({
    x: r.values[0],
    y: two ? r.values[1] : r.closeness!,
    c: r.closeness,
    label: r.label,
    front: false,
  }));
  for (const i of findParetoFront2d(points, directions[0], two ? directions[1] : 'benefit')) points[i].front = true;
  return { points, xLabel: metricHeading(criteria[0]), yLabel: two ? metricHeading(criteria[1]) : 'TOPSIS score' };
}

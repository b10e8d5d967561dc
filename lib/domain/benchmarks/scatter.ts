// The two-criteria Pareto front drawn on the console's and the share page's scatter plots.
import { computeParetoRanking } from '../ranking/pareto';
import type { Direction } from '../ranking/topsis';

/** Indices of the points no other point beats on both axes, ordered by x (for drawing the front line). */
export function findParetoFront2d(
  points: readonly { x: number; y: number }[],
  dirX: Direction,
  dirY: Direction,
): number[] {
  if (points.length === 0) return [];
  const data = new Float64Array(points.length * 2);
  const sx = dirX === 'benefit' ? -1 : 1;
  const sy = dirY === 'benefit' ? -1 : 1;
  points.forEach((p, i) => {
    data[2 * i] = sx * p.x;
    data[2 * i + 1] = sy * p.y;
  });
  const { rank } = computeParetoRanking({ data, rows: points.length, cols: 2 });
  const front: number[] = [];
  for (let i = 0; i < points.length; i++) if (rank[i] === 1) front.push(i);
  return front.sort((a, b) => points[a].x - points[b].x || points[a].y - points[b].y);
}

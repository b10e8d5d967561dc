// Largest-Triangle-Three-Buckets (Steinarsson 2013, "Downsampling Time Series for Visual
// Representation", ch. 4.2): keeps the visual shape of a series with at most `threshold` points.
// Written here rather than pulled in because it is ~40 lines of arithmetic, tested by properties.

export type Point = { t: number; v: number };

/** Downsamples points sorted by t to at most `threshold` points; first and last are always kept. */
export function downsampleLttb<P extends Point>(points: readonly P[], threshold: number): P[] {
  const n = points.length;
  if (threshold >= n || n <= 2) return points.slice();
  if (threshold < 3) {
    // Fewer than 3 output points leaves no bucket to choose from: keep the ends.
    return threshold <= 0 ? [] : threshold === 1 ? [points[0]] : [points[0], points[n - 1]];
  }
  const out: P[] = [points[0]];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgT = 0;
    let avgV = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgT += points[j].t;
      avgV += points[j].v;
    }
    const len = nextEnd - nextStart;
    avgT /= len;
    avgV /= len;

    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const at = points[a].t;
    const av = points[a].v;
    let maxArea = -1;
    let chosen = start;
    for (let j = start; j < end; j++) {
      const area = Math.abs((at - avgT) * (points[j].v - av) - (at - points[j].t) * (avgV - av));
      if (area > maxArea) {
        maxArea = area;
        chosen = j;
      }
    }
    out.push(points[chosen]);
    a = chosen;
  }
  out.push(points[n - 1]);
  return out;
}

/** Chart cap used across Gantry: every series drawn has at most this many points. */
export const MAX_CHART_POINTS = 1000;

/** Drops null readings (LTTB needs numbers), then caps the series at `maxPoints`. */
export function prepareChartSeries(
  points: readonly { t: number; v: number | null }[],
  maxPoints = MAX_CHART_POINTS,
): Point[] {
  const present = points.filter((p): p is Point => p.v !== null && Number.isFinite(p.v));
  return downsampleLttb(present, maxPoints);
}

// TOPSIS (Hwang & Yoon 1981): score each alternative by its relative closeness to the ideal
// solution, C = d- / (d+ + d-). Browser-safe: no node: imports, so the console can re-rank
// 10,000 rows locally when a weight slider moves.
import { argsort } from './argsort';
import { toFlatMatrix, type FlatMatrix } from './flat-matrix';

export type Direction = 'benefit' | 'cost';
/** 'vector' is Hwang & Yoon's original x / ||x||; 'minmax' matches pymcdm's default. */
export type Normalization = 'vector' | 'minmax';

/**
 * Normalised columns plus their extremes. Normalisation does not depend on the weights, so a
 * weight change only repeats the cheap weighting/distance pass (scoreTopsis).
 */
export interface PreparedTopsis {
  readonly normalized: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** +1 benefit, -1 cost */
  readonly signs: Int8Array;
  readonly colMax: Float64Array;
  readonly colMin: Float64Array;
}

function normalizeMatrix(m: FlatMatrix, normalization: Normalization): Float64Array {
  const { data, rows, cols } = m;
  const out = new Float64Array(data.length);
  for (let j = 0; j < cols; j++) {
    if (normalization === 'vector') {
      let sumSq = 0;
      for (let i = 0; i < rows; i++) {
        const v = data[i * cols + j];
        sumSq += v * v;
      }
      // An all-zero column cannot tell alternatives apart: it contributes nothing.
      const inv = sumSq > 0 ? 1 / Math.sqrt(sumSq) : 0;
      for (let i = 0; i < rows; i++) out[i * cols + j] = data[i * cols + j] * inv;
    } else {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < rows; i++) {
        const v = data[i * cols + j];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const range = max - min;
      const inv = range > 0 ? 1 / range : 0;
      for (let i = 0; i < rows; i++) out[i * cols + j] = (data[i * cols + j] - min) * inv;
    }
  }
  return out;
}

export function prepareTopsis(
  m: FlatMatrix,
  directions: readonly Direction[],
  normalization: Normalization = 'vector',
): PreparedTopsis {
  if (directions.length !== m.cols) {
    throw new RangeError(`directions has ${directions.length} entries, expected ${m.cols}`);
  }
  const normalized = normalizeMatrix(m, normalization);
  const { rows, cols } = m;
  const colMax = new Float64Array(cols).fill(-Infinity);
  const colMin = new Float64Array(cols).fill(Infinity);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = normalized[i * cols + j];
      if (v > colMax[j]) colMax[j] = v;
      if (v < colMin[j]) colMin[j] = v;
    }
  }
  const signs = Int8Array.from(directions, (d) => (d === 'benefit' ? 1 : -1));
  return { normalized, rows, cols, signs, colMax, colMin };
}

/**
 * Closeness in [0, 1] per row (1 = the ideal). Weights need not sum to 1: scaling all of them
 * scales d+ and d- alike. When every row is identical on the weighted criteria (d+ = d- = 0)
 * the score is 0.5: no row is better or worse than another.
 */
export function scoreTopsis(p: PreparedTopsis, weights: ArrayLike<number>): Float64Array {
  const { normalized, rows, cols, signs, colMax, colMin } = p;
  if (weights.length !== cols) {
    throw new RangeError(`weights has ${weights.length} entries, expected ${cols}`);
  }
  // Weights are >= 0, so max(w * r) = w * max(r): ideal and anti-ideal come from the prepared extremes.
  const w = Float64Array.from(weights);
  const ideal = new Float64Array(cols);
  const anti = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    ideal[j] = signs[j] > 0 ? colMax[j] : colMin[j];
    anti[j] = signs[j] > 0 ? colMin[j] : colMax[j];
  }
  const closeness = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let dPlus = 0;
    let dMinus = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const r = normalized[base + j];
      const a = w[j] * (r - ideal[j]);
      const b = w[j] * (r - anti[j]);
      dPlus += a * a;
      dMinus += b * b;
    }
    dPlus = Math.sqrt(dPlus);
    dMinus = Math.sqrt(dMinus);
    const sum = dPlus + dMinus;
    closeness[i] = sum > 0 ? dMinus / sum : 0.5;
  }
  return closeness;
}

/** One-call TOPSIS over rows-as-alternatives, for small inputs and tests. */
export function computeTopsis(
  matrix: readonly (readonly number[])[],
  weights: readonly number[],
  directions: readonly Direction[],
  normalization: Normalization = 'vector',
): number[] {
  const prepared = prepareTopsis(toFlatMatrix(matrix), directions, normalization);
  return Array.from(scoreTopsis(prepared, weights));
}

/** Scores closer than this count as a tie (floating noise, e.g. two mathematically equal 0.5s). */
const SCORE_TIE_EPSILON = 1e-12;

/**
 * Competition ranking ("1224") by descending score, 1 = best. Rows where `include` is 0 get 0
 * (callers map that to null). Ties share the better rank.
 */
export function rankByScore(scores: Float64Array, include?: Uint8Array): Int32Array {
  const n = scores.length;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (!include || include[i]) rows.push(i);
  const keys = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) keys[k] = scores[rows[k]];
  const order = argsort(keys, true);
  const rank = new Int32Array(n);
  let leaderScore = NaN;
  let leaderRank = 0;
  for (let k = 0; k < order.length; k++) {
    const s = keys[order[k]];
    if (k === 0 || leaderScore - s > SCORE_TIE_EPSILON) {
      leaderScore = s;
      leaderRank = k + 1;
    }
    rank[rows[order[k]]] = leaderRank;
  }
  return rank;
}

// The ranking use case behind POST /api/rankings: constraints filter first, then TOPSIS scores
// and a Pareto sort run over the feasible rows only. Infeasible rows stay in every output array
// (index-aligned with the request) with null scores, so a client can still show why they fell out.
// Browser-safe (zod only): the console re-ranks locally with prepareRanking + scorePreparedRanking.
import { z } from 'zod';
import { applyConstraints, explainViolations, RankingConstraint, type ColumnBound } from './constraints';
import { selectFromMatrix, toFlatMatrix, type FlatMatrix } from './flat-matrix';
import { computeParetoRanking, type ParetoRanking } from './pareto';
import { explainRecommendation, findColumnExtremes } from './reasons';
import {
  prepareTopsis,
  rankByScore,
  scoreTopsis,
  type Direction,
  type Normalization,
  type PreparedTopsis,
} from './topsis';

export const RankingRequest = z
  .object({
    /** rows are alternatives, columns criteria */
    matrix: z.array(z.array(z.number())).min(1, 'give at least one alternative'),
    weights: z.array(z.number().nonnegative('must be a number >= 0')).min(1, 'give at least one criterion'),
    directions: z.array(z.enum(['benefit', 'cost'])),
    normalization: z.enum(['vector', 'minmax']).default('vector'),
    constraints: z.array(RankingConstraint).default([]),
    /** criterion names, used in reasons and to name constraints */
    criteria: z.array(z.string().min(1)).optional(),
    /** columns for the Pareto sort; default: every column with a weight above 0 */
    paretoCriteria: z.array(z.number().int().nonnegative()).optional(),
    /** how many recommendations to explain */
    top: z.number().int().min(0).max(1000).default(10),
  })
  .superRefine((req, ctx) => {
    const cols = req.weights.length;
    // One issue per bad row is enough; a 50,000-row paste should not produce 50,000 issues.
    const badRow = req.matrix.findIndex((row) => row.length !== cols);
    if (badRow >= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['matrix', badRow],
        message: `matrix[${badRow}] has ${req.matrix[badRow].length} values, expected ${cols} (one per weight)`,
      });
    }
    if (req.directions.length !== cols) {
      ctx.addIssue({
        code: 'custom',
        path: ['directions'],
        message: `directions has ${req.directions.length} entries, expected ${cols} (one per weight)`,
      });
    }
    if (req.weights.every((w) => w === 0)) {
      ctx.addIssue({ code: 'custom', path: ['weights'], message: 'weights must not all be 0' });
    }
    if (req.criteria && req.criteria.length !== cols) {
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: `criteria has ${req.criteria.length} names, expected ${cols} (one per weight)`,
      });
    }
    req.constraints.forEach((c, k) => {
      const ok = typeof c.criterion === 'number' ? c.criterion < cols : (req.criteria ?? []).includes(c.criterion);
      if (!ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['constraints', k, 'criterion'],
          message: `constraints[${k}].criterion ${JSON.stringify(c.criterion)} names no criterion`,
        });
      }
    });
    req.paretoCriteria?.forEach((j, k) => {
      if (j >= cols || req.paretoCriteria!.indexOf(j) !== k) {
        ctx.addIssue({
          code: 'custom',
          path: ['paretoCriteria', k],
          message: `paretoCriteria[${k}] must be a distinct column index below ${cols}`,
        });
      }
    });
  });
export type RankingRequest = z.infer<typeof RankingRequest>;
export type RankingRequestInput = z.input<typeof RankingRequest>;

/** "weights[2]: Too small: expected number to be >=0" - zod issues with the field spelled as in JSON. */
export function describeRankingIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.reduce<string>(
      (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
      '',
    );
    return issue.message.startsWith(field) && field ? issue.message : `${field || 'request'}: ${issue.message}`;
  });
}

export interface Recommendation {
  index: number;
  rank: number;
  closeness: number;
  paretoRank: number;
  reason: string;
}

export interface RankingResult {
  /** TOPSIS closeness per row; null for infeasible rows */
  closeness: (number | null)[];
  /** 1 = best among feasible rows (ties share a rank); null for infeasible rows */
  rank: (number | null)[];
  /** 1 = non-dominated front of the feasible rows; null for infeasible rows */
  paretoRank: (number | null)[];
  /** crowding distance within the row's front; null for infeasible rows and for front extremes (unbounded) */
  crowding: (number | null)[];
  feasible: boolean[];
  infeasible: { index: number; reasons: string[] }[];
  recommendations: Recommendation[];
  /** the weights as used, normalised to sum 1 */
  weights: number[];
  criteria: string[];
  paretoCriteria: number[];
}

export interface RankingOptions {
  weights: readonly number[];
  directions: readonly Direction[];
  normalization?: Normalization;
  bounds?: readonly ColumnBound[];
  paretoColumns?: readonly number[];
  names?: readonly string[];
  top?: number;
}

/** Everything that does not depend on the weights, computed once per matrix and constraint set. */
export interface PreparedRanking {
  m: FlatMatrix;
  feasible: Uint8Array;
  /** original indices of the feasible rows */
  feasibleRows: Uint32Array;
  topsis: PreparedTopsis;
  /** over feasible rows, in feasibleRows order */
  pareto: ParetoRanking;
  paretoColumns: number[];
  signs: Int8Array;
}

export interface ScoredRanking {
  /** per original row; NaN for infeasible rows */
  closeness: Float64Array;
  /** per original row; 0 for infeasible rows */
  rank: Int32Array;
}

export function prepareRanking(
  m: FlatMatrix,
  options: Pick<RankingOptions, 'directions' | 'normalization' | 'bounds'> & { paretoColumns: readonly number[] },
): PreparedRanking {
  const { feasible, feasibleCount } = applyConstraints(m, options.bounds ?? []);
  const feasibleRows = new Uint32Array(feasibleCount);
  for (let i = 0, k = 0; i < m.rows; i++) if (feasible[i]) feasibleRows[k++] = i;
  const allCols = Array.from({ length: m.cols }, (_, j) => j);
  const sub = feasibleCount === m.rows ? m : selectFromMatrix(m, feasibleRows, allCols);
  const topsis = prepareTopsis(sub, options.directions, options.normalization ?? 'vector');
  const signs = topsis.signs;
  const paretoColumns = [...options.paretoColumns];
  // Pareto sorting minimises, so benefit columns are negated.
  const paretoMatrix = selectFromMatrix(
    sub,
    Uint32Array.from({ length: sub.rows }, (_, i) => i),
    paretoColumns,
    paretoColumns.map((j) => -signs[j]),
  );
  const pareto = computeParetoRanking(paretoMatrix);
  return { m, feasible, feasibleRows, topsis, pareto, paretoColumns, signs };
}

/** The part that reruns when a weight slider moves: O(rows x criteria) plus one sort. */
export function scorePreparedRanking(p: PreparedRanking, weights: readonly number[]): ScoredRanking {
  const subCloseness = scoreTopsis(p.topsis, weights);
  const subRank = rankByScore(subCloseness);
  const closeness = new Float64Array(p.m.rows).fill(NaN);
  const rank = new Int32Array(p.m.rows);
  for (let k = 0; k < p.feasibleRows.length; k++) {
    closeness[p.feasibleRows[k]] = subCloseness[k];
    rank[p.feasibleRows[k]] = subRank[k];
  }
  return { closeness, rank };
}

export function rankMatrix(m: FlatMatrix, options: RankingOptions): RankingResult {
  const weightSum = options.weights.reduce((a, b) => a + b, 0);
  const weights = options.weights.map((w) => w / weightSum);
  const names = options.names ? [...options.names] : Array.from({ length: m.cols }, (_, j) => `C${j + 1}`);
  const bounds = options.bounds ?? [];
  const paretoColumns = options.paretoColumns
    ? [...options.paretoColumns]
    : weights.flatMap((w, j) => (w > 0 ? [j] : []));
  const prepared = prepareRanking(m, { ...options, bounds, paretoColumns });
  const { closeness, rank } = scorePreparedRanking(prepared, weights);

  const n = m.rows;
  const paretoRank = new Int32Array(n);
  const crowding = new Float64Array(n).fill(NaN);
  prepared.feasibleRows.forEach((row, k) => {
    paretoRank[row] = prepared.pareto.rank[k];
    crowding[row] = prepared.pareto.crowding[k];
  });

  const result: RankingResult = {
    closeness: Array.from(closeness, (c, i) => (prepared.feasible[i] ? c : null)),
    rank: Array.from(rank, (r) => (r > 0 ? r : null)),
    paretoRank: Array.from(paretoRank, (r) => (r > 0 ? r : null)),
    crowding: Array.from(crowding, (c) => (Number.isFinite(c) ? c : null)),
    feasible: Array.from(prepared.feasible, (f) => f === 1),
    infeasible: [],
    recommendations: [],
    weights,
    criteria: names,
    paretoCriteria: paretoColumns,
  };
  for (let i = 0; i < n; i++) {
    if (!prepared.feasible[i]) result.infeasible.push({ index: i, reasons: explainViolations(m, i, bounds, names) });
  }

  const top = Math.min(options.top ?? 10, prepared.feasibleRows.length);
  if (top > 0) {
    // Competition ranks: at least `top` rows have rank <= top, so a linear pass finds them all.
    const order: number[] = [];
    for (const row of prepared.feasibleRows) if (rank[row] <= top) order.push(row);
    order.sort((a, b) => rank[a] - rank[b] || closeness[b] - closeness[a] || a - b);
    const extremes = findColumnExtremes(m, prepared.feasibleRows, prepared.signs);
    for (const row of order.slice(0, top)) {
      const r = { index: row, rank: rank[row], closeness: closeness[row], paretoRank: paretoRank[row] };
      result.recommendations.push({
        ...r,
        reason: explainRecommendation({ ...r, m, row, weights, names, extremes }),
      });
    }
  }
  return result;
}

/** Validates the request (throws z.ZodError naming the field) and ranks it. */
export function rankAlternatives(input: RankingRequestInput): RankingResult {
  const req = RankingRequest.parse(input);
  const names = req.criteria ?? req.weights.map((_, j) => `C${j + 1}`);
  const bounds: ColumnBound[] = req.constraints.map((c) => ({
    column: typeof c.criterion === 'number' ? c.criterion : names.indexOf(c.criterion),
    atMost: c.atMost,
    atLeast: c.atLeast,
  }));
  return rankMatrix(toFlatMatrix(req.matrix), {
    weights: req.weights,
    directions: req.directions,
    normalization: req.normalization,
    bounds,
    paretoColumns: req.paretoCriteria,
    names,
    top: req.top,
  });
}

// Ranking benchmark results by chosen metrics. The console (instant re-rank on a slider move), the
// share snapshot and the share page all go through prepareResultRanking + scoreResultRanking, so a
// shared link shows exactly the order its creator saw. Browser-safe: zod and pure code only.
import { z } from 'zod';
import { explainViolations, type ColumnBound } from '../ranking/constraints';
import { toFlatMatrix, type FlatMatrix } from '../ranking/flat-matrix';
import { prepareRanking, scorePreparedRanking, type PreparedRanking, type Recommendation } from '../ranking/rank';
import { explainRecommendation, findColumnExtremes, type ColumnExtremes } from '../ranking/reasons';
import { METRIC_KEYS, METRICS, toResultMatrix, type BenchmarkResult, type MetricKey } from './results';

const MetricKeyName = z.enum(METRIC_KEYS as [MetricKey, ...MetricKey[]]);

export const MetricConstraint = z
  .object({
    metric: MetricKeyName,
    atMost: z.number().finite().optional(),
    atLeast: z.number().finite().optional(),
  })
  .refine((c) => c.atMost !== undefined || c.atLeast !== undefined, { message: 'give atMost, atLeast or both' })
  .refine((c) => c.atMost === undefined || c.atLeast === undefined || c.atLeast <= c.atMost, {
    message: 'atLeast must not exceed atMost',
    path: ['atLeast'],
  });
export type MetricConstraint = z.infer<typeof MetricConstraint>;

export const RankingSettings = z
  .object({
    criteria: z.array(MetricKeyName).min(1, 'choose at least one criterion').max(8, 'at most 8 criteria'),
    weights: z.array(z.number().finite().min(0, 'must be >= 0').max(100, 'must be <= 100')),
    directions: z.array(z.enum(['benefit', 'cost'])),
    normalization: z.enum(['vector', 'minmax']).default('vector'),
    constraints: z.array(MetricConstraint).max(20).default([]),
  })
  .superRefine((s, ctx) => {
    const n = s.criteria.length;
    if (new Set(s.criteria).size !== n)
      ctx.addIssue({ code: 'custom', path: ['criteria'], message: 'criteria must be distinct' });
    if (s.weights.length !== n)
      ctx.addIssue({ code: 'custom', path: ['weights'], message: `expected ${n} weights (one per criterion)` });
    if (s.directions.length !== n) {
      ctx.addIssue({ code: 'custom', path: ['directions'], message: `expected ${n} directions (one per criterion)` });
    }
    if (s.weights.length > 0 && s.weights.every((w) => w === 0)) {
      ctx.addIssue({ code: 'custom', path: ['weights'], message: 'weights must not all be 0' });
    }
    s.constraints.forEach((c, k) => {
      if (!s.criteria.includes(c.metric)) {
        ctx.addIssue({
          code: 'custom',
          path: ['constraints', k, 'metric'],
          message: `${c.metric} is not one of the criteria`,
        });
      }
    });
  });
export type RankingSettings = z.infer<typeof RankingSettings>;

/** Default settings for a dataset: the (up to three) metrics most rows have, in their natural direction. */
export function suggestRankingSettings(results: readonly Pick<BenchmarkResult, 'metrics'>[]): RankingSettings | null {
  const coverage = listMetricCoverage(results).filter((c) => c.count > 0);
  if (coverage.length === 0) return null;
  const best = coverage[0].count;
  // Prefer metrics nearly every row has, so the default ranking does not drop most of the table.
  const criteria = coverage
    .filter((c) => c.count >= best * 0.8)
    .slice(0, 3)
    .map((c) => c.metric);
  return {
    criteria,
    weights: criteria.map(() => 1),
    directions: criteria.map((k) => METRICS[k].direction),
    normalization: 'vector',
    constraints: [],
  };
}

/** How many results carry each metric, most common first (ties in METRICS order). */
export function listMetricCoverage(
  results: readonly Pick<BenchmarkResult, 'metrics'>[],
): { metric: MetricKey; count: number }[] {
  return METRIC_KEYS.map((metric) => ({
    metric,
    count: results.filter((r) => r.metrics[metric] !== undefined).length,
  })).sort((a, b) => b.count - a.count || METRIC_KEYS.indexOf(a.metric) - METRIC_KEYS.indexOf(b.metric));
}

export interface PreparedResultRanking {
  /** results[rows[i]] is matrix row i: results missing a criterion are left out */
  rows: number[];
  m: FlatMatrix;
  names: string[];
  bounds: ColumnBound[];
  prepared: PreparedRanking;
  extremes: ColumnExtremes;
}

/** The weight-independent work: matrix, constraints, normalisation, Pareto fronts over all criteria. */
export function prepareResultRanking(
  results: readonly Pick<BenchmarkResult, 'metrics'>[],
  settings: Omit<RankingSettings, 'weights'>,
): PreparedResultRanking {
  const { matrix, rows } = toResultMatrix(results as BenchmarkResult[], settings.criteria);
  const flat: FlatMatrix = matrix.length
    ? toFlatMatrix(matrix)
    : { data: new Float64Array(0), rows: 0, cols: settings.criteria.length };
  const bounds = settings.constraints.map((c) => ({
    column: settings.criteria.indexOf(c.metric),
    atMost: c.atMost,
    atLeast: c.atLeast,
  }));
  const prepared = prepareRanking(flat, {
    directions: settings.directions,
    normalization: settings.normalization,
    bounds,
    paretoColumns: settings.criteria.map((_, j) => j),
  });
  const extremes = findColumnExtremes(flat, prepared.feasibleRows, prepared.signs);
  return { rows, m: flat, names: settings.criteria.map((k) => METRICS[k].label), bounds, prepared, extremes };
}

export interface ScoredResultRanking {
  /** per matrix row; null when a constraint excludes it */
  closeness: (number | null)[];
  rank: (number | null)[];
  paretoRank: (number | null)[];
  /** matrix row indices, best first, feasible rows only */
  order: number[];
  recommendations: Recommendation[];
  weights: number[];
}

/** The part that reruns when a weight moves: TOPSIS scores, ranks and reasons for the top rows. */
export function scoreResultRanking(
  p: PreparedResultRanking,
  rawWeights: readonly number[],
  top = 5,
): ScoredResultRanking {
  const sum = rawWeights.reduce((a, b) => a + b, 0);
  const weights = rawWeights.map((w) => (sum > 0 ? w / sum : 0));
  const { prepared, m } = p;
  const scored = scorePreparedRanking(prepared, weights);
  const paretoRank = new Array<number | null>(m.rows).fill(null);
  prepared.feasibleRows.forEach((row, k) => (paretoRank[row] = prepared.pareto.rank[k]));
  const order = Array.from(prepared.feasibleRows).sort(
    (a, b) => scored.rank[a] - scored.rank[b] || scored.closeness[b] - scored.closeness[a] || a - b,
  );
  const recommendations = order.slice(0, top).map((row) => {
    const r = {
      index: row,
      rank: scored.rank[row],
      closeness: scored.closeness[row],
      paretoRank: paretoRank[row] ?? 0,
    };
    return { ...r, reason: explainRecommendation({ ...r, m, row, weights, names: p.names, extremes: p.extremes }) };
  });
  return {
    closeness: Array.from(scored.closeness, (c, i) => (prepared.feasible[i] ? c : null)),
    rank: Array.from(scored.rank, (r) => (r > 0 ? r : null)),
    paretoRank,
    order,
    recommendations,
    weights,
  };
}

/** Why a matrix row fails the constraints, e.g. ["TTFT mean 950 > 500 (at most)"]. */
export function explainExclusion(p: PreparedResultRanking, row: number): string[] {
  return explainViolations(p.m, row, p.bounds, p.names);
}

/** "meta-llama/Llama-2-7b-hf · pytorch · a100-80gb×1 · gptq · b16" */
export function formatResultLabel(
  r: Pick<
    BenchmarkResult,
    'model' | 'engine' | 'gpuKind' | 'gpuCount' | 'quantization' | 'batchSize' | 'concurrency' | 'scenario'
  >,
): string {
  return [
    r.model,
    r.engine,
    r.gpuKind ? `${r.gpuKind}${r.gpuCount ? `×${r.gpuCount}` : ''}` : null,
    r.quantization,
    r.batchSize ? `b${r.batchSize}` : null,
    r.concurrency ? `c${r.concurrency}` : null,
    r.scenario,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What the queue's submit form needs to rerun a configuration (read from /queue?prefill=...). */
/**
 * A POST /api/jobs body that runs this one configuration as a benchmark job, for the submit form's
 * `?prefill=`. GPU kind ids of published tables (`h100-80gb`) may need the cluster's sharing
 * suffix; the form lets the researcher pick before submitting.
 */
function buildDeployPrefill(r: BenchmarkResult): Record<string, unknown> {
  const id =
    `${r.configurationId}`
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'config';
  const parameters = Object.fromEntries(
    Object.entries({
      model: r.model,
      engine: r.engine,
      quantization: r.quantization,
      precision: r.precision,
      batchSize: r.batchSize,
      concurrency: r.concurrency,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
    }).filter(([, v]) => v !== undefined && v !== null),
  );
  return {
    name: `deploy-${id}`,
    kind: 'benchmark',
    priority: 'normal',
    gpu: { kind: r.gpuKind, count: r.gpuCount ?? 1 },
    expectedRuntimeSeconds: 1800,
    maxRuntimeSeconds: 7200,
    spec: {
      image: 'ghcr.io/gantry-dev/llm-bench:latest',
      command: ['gantry-bench', 'run'],
      resultsUrl: '/api/benchmarks/results',
      configurations: [{ id, parameters }],
    },
  };
}

export function formatDeployHref(r: BenchmarkResult): string {
  return `/jobs/new?prefill=${encodeURIComponent(JSON.stringify(buildDeployPrefill(r)))}`;
}

/** A frozen ranking behind a share link: settings, the rows ranked (with their result ids) and scores. */
export interface ShareSnapshot {
  version: 1;
  datasetName: string;
  settings: RankingSettings;
  /** results of the dataset left out for lacking a criterion */
  missingCriteria: number;
  rows: ShareRow[];
  recommendations: Recommendation[];
}

interface ShareRow {
  resultId: string;
  configurationId: string;
  attempt: number;
  label: string;
  /** one value per criterion, in settings.criteria order */
  values: number[];
  closeness: number | null;
  rank: number | null;
  paretoRank: number | null;
  excludedBy: string[];
}

/** Ranks results as the console does and freezes everything a share page shows. */
export function buildShareSnapshot(
  datasetName: string,
  results: readonly (BenchmarkResult & { id: string })[],
  settings: RankingSettings,
  top = 5,
): ShareSnapshot {
  const p = prepareResultRanking(results, settings);
  const s = scoreResultRanking(p, settings.weights, top);
  const rows = p.rows.map((ri, i): ShareRow => {
    const r = results[ri];
    return {
      resultId: r.id,
      configurationId: r.configurationId,
      attempt: r.attempt,
      label: formatResultLabel(r),
      values: settings.criteria.map((k) => r.metrics[k]!),
      closeness: s.closeness[i],
      rank: s.rank[i],
      paretoRank: s.paretoRank[i],
      excludedBy: s.closeness[i] === null ? explainExclusion(p, i) : [],
    };
  });
  return {
    version: 1,
    datasetName,
    settings,
    missingCriteria: results.length - p.rows.length,
    rows,
    recommendations: s.recommendations,
  };
}

// `npm run bench ranking`: ranking a sweep's results. Targets:
// TOPSIS + Pareto for 10,000 x 4 < 50 ms, 50,000 x 4 < 300 ms, 10,000 x 8 < 300 ms, and a browser
// re-rank after a weight change for 10,000 rows < 100 ms. Data come from a seeded generator shaped
// like sweep results (latency and cost rise with throughput), not uniform noise only.
// Seeded, so every bench run ranks the same matrix.
import { createRandom } from '@/lib/domain/benchmarks/random';
import type { FlatMatrix } from '@/lib/domain/ranking/flat-matrix';
import { prepareRanking, rankMatrix, scorePreparedRanking } from '@/lib/domain/ranking/rank';
import type { Direction } from '@/lib/domain/ranking/topsis';

export interface BenchCase {
  name: string;
  rows: number;
  cols: number;
  budgetMs: number;
  /** median of the timed runs */
  medianMs: number;
  maxMs: number;
  withinBudget: boolean;
}

/** Benefit/cost columns alternate; half the columns trade off against a shared "size" factor. */
function generateBenchMatrix(rows: number, cols: number, seed = 7): { m: FlatMatrix; directions: Direction[] } {
  const rand = createRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const size = rand();
    for (let j = 0; j < cols; j++) {
      const traded = j % 2 === 0 ? size : 1 - size;
      data[i * cols + j] = 1 + 100 * (0.6 * traded + 0.4 * rand());
    }
  }
  const directions = Array.from({ length: cols }, (_, j): Direction => (j % 2 === 0 ? 'benefit' : 'cost'));
  return { m: { data, rows, cols }, directions };
}

function measure(fn: () => void, runs: number): { medianMs: number; maxMs: number } {
  fn(); // warm-up: the first call pays for JIT compilation
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(runs / 2)], maxMs: times[runs - 1] };
}

/** Full ranking (TOPSIS + Pareto fronts + crowding + top-10 reasons) on a fresh matrix. */
function benchRankAlternatives(rows: number, cols: number, budgetMs: number, runs = 7): BenchCase {
  const { m, directions } = generateBenchMatrix(rows, cols);
  const weights = Array.from({ length: cols }, (_, j) => j + 1);
  const t = measure(() => rankMatrix(m, { weights, directions, top: 10 }), runs);
  return { name: `rank ${rows} x ${cols}`, rows, cols, budgetMs, ...t, withinBudget: t.medianMs < budgetMs };
}

/** Weight slider moved: only TOPSIS scoring and the rank sort rerun on the prepared matrix. */
function benchRerankAfterWeightChange(rows = 10_000, cols = 4, budgetMs = 100, runs = 15): BenchCase {
  const { m, directions } = generateBenchMatrix(rows, cols);
  const prepared = prepareRanking(m, { directions, paretoColumns: Array.from({ length: cols }, (_, j) => j) });
  let step = 0;
  const t = measure(() => {
    step++;
    scorePreparedRanking(
      prepared,
      Array.from({ length: cols }, (_, j) => 1 + ((j + step) % cols)),
    );
  }, runs);
  return {
    name: `re-rank ${rows} x ${cols} after a weight change`,
    rows,
    cols,
    budgetMs,
    ...t,
    withinBudget: t.medianMs < budgetMs,
  };
}

export function runRankingBenchmarks(): BenchCase[] {
  return [
    benchRankAlternatives(10_000, 4, 50),
    benchRankAlternatives(50_000, 4, 300),
    benchRankAlternatives(10_000, 8, 300),
    benchRerankAfterWeightChange(),
  ];
}

// `npm run bench telemetry`: the telemetry loop's CPU cost at cluster scale.
// Seeded, so every run parses the same scrape.
import { createRandom } from '@/lib/domain/benchmarks/random';
import { parseDcgmText, toGpuSamples } from '@/lib/domain/telemetry/dcgm';
import { downsampleLttb, MAX_CHART_POINTS } from '@/lib/domain/telemetry/lttb';
import { rollupBuckets, rollupPoints, type RollupBucket, type SeriesPoint } from '@/lib/domain/telemetry/rollup';

export type BenchResult = { name: string; iterations: number; msPerIteration: number; note: string };

function time(name: string, iterations: number, note: string, fn: () => void): BenchResult {
  fn(); // warm-up: JIT and caches, not counted
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return { name, iterations, msPerIteration: (performance.now() - start) / iterations, note };
}

/** A dcgm-exporter scrape of `nodes x gpusPerNode` GPUs in the label layout of the real outputs. */
export function generateDcgmScrape(nodes: number, gpusPerNode: number, seed = 1): string {
  const metrics: [string, (x: number) => number][] = [
    ['DCGM_FI_DEV_GPU_UTIL', (x) => Math.round(x * 100)],
    ['DCGM_FI_DEV_FB_USED', (x) => Math.round(x * 80000)],
    ['DCGM_FI_DEV_FB_FREE', (x) => Math.round((1 - x) * 80000)],
    ['DCGM_FI_DEV_POWER_USAGE', (x) => 60 + x * 640],
    ['DCGM_FI_DEV_GPU_TEMP', (x) => 30 + Math.round(x * 40)],
    ['DCGM_FI_PROF_GR_ENGINE_ACTIVE', (x) => x],
  ];
  const rand = createRandom(seed);
  const lines: string[] = [];
  for (const [name, f] of metrics) {
    lines.push(`# HELP ${name} ${name}.`, `# TYPE ${name} gauge`);
    for (let n = 0; n < nodes; n++) {
      for (let g = 0; g < gpusPerNode; g++) {
        const labels = `gpu="${g}",UUID="GPU-${n.toString(16).padStart(8, '0')}-${g}",device="nvidia${g}",modelName="NVIDIA H100 80GB HBM3",Hostname="node-${n}",container="main",namespace="gantry-jobs",pod="gantry-${n * 8 + g}-train"`;
        lines.push(`${name}{${labels}} ${f(rand())}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

export function runTelemetryBenchmarks(): BenchResult[] {
  const scrape = generateDcgmScrape(250, 8);
  const results: BenchResult[] = [];
  let samples = toGpuSamples(parseDcgmText(scrape));
  results.push(
    time(
      'dcgm parse + normalise, 2,000 GPUs',
      10,
      `${(scrape.length / 1e6).toFixed(1)} MB text, 12,000 samples; budget: one scrape per 10 s`,
      () => {
        samples = toGpuSamples(parseDcgmText(scrape));
      },
    ),
  );

  // One minute at a 10 s interval: 6 scrapes x 2,000 GPUs x 3 stored series.
  const minute: SeriesPoint[] = [];
  for (let i = 0; i < 6; i++) {
    for (const g of samples) {
      minute.push({ key: `${g.key}|util`, t: i * 10_000, v: g.utilization });
      minute.push({ key: `${g.key}|fb`, t: i * 10_000, v: g.fbUsedMiB });
      minute.push({ key: `${g.key}|power`, t: i * 10_000, v: g.powerW });
    }
  }
  results.push(
    time(
      'rollup raw -> 1m, 2,000 GPUs x 3 series',
      20,
      `${minute.length} points -> 6,000 buckets`,
      () => void rollupPoints(minute, 60_000),
    ),
  );

  const minuteBuckets: RollupBucket[] = [];
  for (let m = 0; m < 60; m++) {
    for (const b of rollupPoints(minute.slice(0, 6000), 60_000)) minuteBuckets.push({ ...b, start: m * 60_000 });
  }
  results.push(
    time(
      'rollup 1m -> 1h, 6,000 series x 60 min',
      20,
      `${minuteBuckets.length} buckets`,
      () => void rollupBuckets(minuteBuckets, 3_600_000),
    ),
  );

  const year = Array.from({ length: 365 * 24 * 60 }, (_, i) => ({
    t: i * 60_000,
    v: 50 + 40 * Math.sin(i / 500) + ((i * 7919) % 13),
  }));
  results.push(
    time(
      'LTTB a year of 1-minute points to 1,000',
      10,
      `${year.length} points`,
      () => void downsampleLttb(year, MAX_CHART_POINTS),
    ),
  );
  return results;
}

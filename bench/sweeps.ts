// Benchmarks for `npm run bench sweeps`: expanding a sweep (what the preview's Web Worker does per
// change, off the browser's main thread) and building the Workflow a sweep job runs as, with its
// size against Argo's 1 MB object limit.
import { formatConfigurationId, type BenchmarkConfiguration } from '@/lib/domain/benchmarks/configuration';
import { DEFAULT_SWEEP, expandSweep, type SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { BENCHMARK_RUNNER_COMMAND, BENCHMARK_RUNNER_IMAGE } from '@/lib/domain/benchmarks/runner';
import { buildWorkflow } from '@/lib/domain/workflow/builders';
import { toSweepItems } from '@/lib/domain/workflow/builders/benchmark';
import { measureWorkflowBytes } from '@/lib/domain/workflow/check';
import { Job } from '@/lib/domain/workflow/job';

export interface SweepBenchRow {
  name: string;
  medianMs: number;
  maxMs: number;
  note: string;
}

function time(name: string, runs: number, fn: () => string): SweepBenchRow {
  fn(); // warm-up: JIT and caches, not counted
  const times: number[] = [];
  let note = '';
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    note = fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    medianMs: Number(times[Math.floor(runs / 2)].toFixed(2)),
    maxMs: Number(times[runs - 1].toFixed(2)),
    note,
  };
}

/** A sweep job of the first `n` valid configurations of the default sweep, as run-sweep-job.ts makes it. */
function makeSweepJob(configurations: BenchmarkConfiguration[], perStep: number) {
  return Job.parse({
    id: '1000',
    name: 'bench sweep',
    owner: 'ada@gantry.local',
    team: 'vision',
    kind: 'benchmark',
    gpu: { kind: 'a100-80gb-shared', count: 8 },
    placement: {
      pool: 'a100',
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
    },
    maxRuntimeSeconds: 86_400,
    spec: {
      image: BENCHMARK_RUNNER_IMAGE,
      command: BENCHMARK_RUNNER_COMMAND,
      configurations: configurations.map((c, i) => ({ id: `c${i}`, parameters: { ...c } })),
      resultsUrl: 'http://127.0.0.1:3000/api/benchmarks/results',
      datasetId: '00000000-0000-4000-8000-000000000000',
      configurationsPerStep: perStep,
      parallelism: 8,
    },
  });
}

export function runSweepBenchmarks(): SweepBenchRow[] {
  const rows = [
    time('expand default sweep (preview)', 7, () => {
      const plan = expandSweep(DEFAULT_SWEEP);
      return `${plan.totalCombinations} combinations, ${plan.valid.length} valid`;
    }),
  ];
  const valid = expandSweep(DEFAULT_SWEEP)
    .valid.slice(0, 500)
    .map((c): BenchmarkConfiguration => {
      const { model, engine, quantization, precision, gpuKind, gpuCount, batchSize, sequenceLength, outputTokens } = c;
      return { model, engine, quantization, precision, gpuKind, gpuCount, batchSize, sequenceLength, outputTokens };
    });
  if (new Set(valid.map(formatConfigurationId)).size !== 500) throw new Error('expected 500 distinct configurations');
  for (const perStep of [1, 8]) {
    const job = makeSweepJob(valid, perStep);
    rows.push(
      time(`build + validate sweep Workflow, 500 configurations, ${perStep} per step`, 7, () => {
        const { workflow } = buildWorkflow(job);
        const steps = (workflow.spec.templates?.[0].dag?.tasks?.[0].withItems ?? []).length;
        return `${steps} steps, ${(measureWorkflowBytes(workflow) / 1024).toFixed(0)} KiB of the 1,024 KiB limit`;
      }),
    );
  }
  // What GET /api/benchmarks/configurations computes per part (besides one query for the stored
  // ids): the dataset's sweep expanded again, one part of 500 sliced and chunked for `withParam`.
  const partSweep: SweepDefinition = {
    ...DEFAULT_SWEEP,
    models: ['llama-3.1-8b', 'mistral-7b', 'phi-3-mini', 'gemma-2-9b'],
    quantizations: ['fp16', 'int8', 'awq', 'gptq'],
    gpuKinds: ['a100-80gb', 'h100-80gb'],
    gpuCounts: [1, 2],
    batchSizes: [1, 2, 4, 8, 16, 64],
    sequenceLengths: [512, 1024, 2048, 4096],
  };
  rows.push(
    time('configurations of one part (500 of the sweep, 8 per step)', 7, () => {
      const all = expandSweep(partSweep).valid;
      const items = toSweepItems(
        all.slice(2_000, 2_500).map((c, i) => ({ id: `c${2_000 + i}`, parameters: c })),
        8,
      );
      return `${all.length} valid configurations, ${items.length} items, ${(JSON.stringify(items).length / 1024).toFixed(0)} KiB answered`;
    }),
  );
  return rows;
}

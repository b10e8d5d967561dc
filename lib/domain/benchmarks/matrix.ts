// Sweep definition -> configuration matrix. Every combination of the listed factors is checked
// against compatibility rules; excluded ones carry every reason that applies, and the reasons are
// grouped with counts for the sweep form. Valid configurations come in priority order and with an
// estimated GPU-hour cost.
import { z } from 'zod';
import {
  ENGINE_CATALOG,
  ENGINES,
  GPU_CATALOG,
  GPU_KINDS,
  PRECISIONS,
  QUANTIZATIONS,
  findModel,
  type ModelSpec,
} from './catalog';
import { estimateMemory, formatConfigurationId, type BenchmarkConfiguration } from './configuration';
import { estimatePerformance } from './perf-model';

const distinct = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1)
    .refine((xs) => new Set(xs).size === xs.length, { message: 'values must be distinct' });
const positiveInt = z.number().int().positive();

export const SweepDefinition = z.object({
  models: distinct(z.string().min(1)).refine((ids) => ids.every((id) => findModel(id)), {
    message: 'every model must be in the model catalogue',
  }),
  engines: distinct(z.enum(ENGINES)),
  quantizations: distinct(z.enum(QUANTIZATIONS)),
  precisions: distinct(z.enum(PRECISIONS)),
  gpuKinds: distinct(z.enum(GPU_KINDS)),
  gpuCounts: distinct(positiveInt),
  batchSizes: distinct(positiveInt),
  sequenceLengths: distinct(positiveInt),
  outputTokens: positiveInt.default(256),
  /** requests each configuration serves in its measured run */
  requestsPerConfiguration: positiveInt.default(512),
});
export type SweepDefinition = z.infer<typeof SweepDefinition>;

/**
 * A realistic default, the first-listed level of each factor being the baseline: 8 models from
 * 3.8B to 70B, three engines, five weight formats, four GPU kinds at 1-8 GPUs, six batch sizes and
 * three prompt lengths: 34,560 combinations, 20,254 valid (the test pins the numbers).
 */
export const DEFAULT_SWEEP: SweepDefinition = {
  models: [
    'llama-3.1-8b',
    'phi-3-mini',
    'mistral-7b',
    'gemma-2-9b',
    'llama-2-13b',
    'qwen2.5-32b',
    'mixtral-8x7b',
    'llama-3.1-70b',
  ],
  engines: ['vllm', 'tgi', 'lmdeploy'],
  quantizations: ['fp16', 'int8', 'int4', 'awq', 'gptq'],
  precisions: ['fp16'],
  gpuKinds: ['a100-80gb', 'h100-80gb', 'l40s', 't4'],
  gpuCounts: [1, 2, 4, 8],
  batchSizes: [1, 4, 8, 16, 32, 64],
  sequenceLengths: [512, 2048, 8192],
  outputTokens: 256,
  requestsPerConfiguration: 512,
};

type ExclusionCode =
  | 'engine-quantization'
  | 'engine-precision'
  | 'gpu-precision'
  | 'gpu-count'
  | 'tensor-parallel'
  | 'context-length'
  | 'memory';

export interface Exclusion {
  code: ExclusionCode;
  message: string;
}

/** Every rule that rejects the configuration; empty when it is valid. */
export function checkConfiguration(c: BenchmarkConfiguration, model: ModelSpec): Exclusion[] {
  const engine = ENGINE_CATALOG[c.engine];
  const gpu = GPU_CATALOG[c.gpuKind];
  const out: Exclusion[] = [];
  if (!engine.quantizations.includes(c.quantization)) {
    out.push({ code: 'engine-quantization', message: `${engine.label} does not support ${c.quantization} weights` });
  }
  if (!engine.precisions.includes(c.precision)) {
    out.push({
      code: 'engine-precision',
      message: `${engine.label} does not support ${c.precision} activations/KV cache`,
    });
  }
  if ((c.precision === 'bf16' && !gpu.supportsBf16) || (c.precision === 'fp8' && !gpu.supportsFp8)) {
    out.push({ code: 'gpu-precision', message: `${gpu.label} has no ${c.precision} support` });
  }
  if (c.gpuCount > gpu.maxPerNode) {
    out.push({ code: 'gpu-count', message: `${gpu.label} nodes hold at most ${gpu.maxPerNode} GPUs` });
  }
  if (model.heads % c.gpuCount !== 0) {
    out.push({
      code: 'tensor-parallel',
      message: `${model.heads} attention heads do not split over ${c.gpuCount} GPUs`,
    });
  }
  if (c.sequenceLength + c.outputTokens > model.maxContext) {
    out.push({
      code: 'context-length',
      message: `${c.sequenceLength} + ${c.outputTokens} tokens exceed the ${model.maxContext}-token context of ${model.label}`,
    });
  }
  const mem = estimateMemory(c, model, gpu);
  if (!mem.fits) {
    out.push({
      code: 'memory',
      message:
        `needs ${mem.perGpuGb.toFixed(1)} GB per GPU (weights ${mem.weightsGb.toFixed(1)}, KV cache ${mem.kvCacheGb.toFixed(1)}, ` +
        `overhead ${mem.overheadGb.toFixed(1)}) but ${c.gpuCount} x ${gpu.label} leave ${mem.usableGb.toFixed(1)} GB each`,
    });
  }
  return out;
}

interface PlannedConfiguration extends BenchmarkConfiguration {
  id: string;
  /** 0 = run first */
  priority: number;
  estimatedGpuHours: number;
}

interface ExcludedConfiguration {
  id: string;
  configuration: BenchmarkConfiguration;
  reasons: Exclusion[];
}

export interface ExclusionGroup {
  code: ExclusionCode;
  /** configurations this rule rejects (one configuration can fail several rules) */
  count: number;
  /** up to three distinct messages, for the form */
  examples: string[];
}

export interface SweepPlan {
  totalCombinations: number;
  /** in priority order */
  valid: PlannedConfiguration[];
  excluded: ExcludedConfiguration[];
  exclusionGroups: ExclusionGroup[];
  estimatedGpuHours: number;
}

/** Fixed start-up per configuration: pull the image, load weights, warm up (s). */
const STARTUP_SECONDS = 90;
const LOAD_GBPS = 2;

function estimateGpuHours(c: BenchmarkConfiguration, requests: number): number {
  const model = findModel(c.model)!;
  const perf = estimatePerformance(c);
  const loadSeconds = STARTUP_SECONDS + estimateMemory(c, model, GPU_CATALOG[c.gpuKind]).weightsGb / LOAD_GBPS;
  const runSeconds = requests / perf.requestsPerSecond;
  return ((loadSeconds + runSeconds) * c.gpuCount) / 3600;
}

export function expandSweep(input: z.input<typeof SweepDefinition>): SweepPlan {
  const def = SweepDefinition.parse(input);
  const valid: BenchmarkConfiguration[] = [];
  const excluded: ExcludedConfiguration[] = [];
  const groups = new Map<ExclusionCode, ExclusionGroup>();
  let total = 0;
  for (const modelId of def.models) {
    const model = findModel(modelId)!;
    for (const engine of def.engines)
      for (const quantization of def.quantizations)
        for (const precision of def.precisions)
          for (const gpuKind of def.gpuKinds)
            for (const gpuCount of def.gpuCounts)
              for (const batchSize of def.batchSizes)
                for (const sequenceLength of def.sequenceLengths) {
                  total++;
                  const c: BenchmarkConfiguration = {
                    model: modelId,
                    engine,
                    quantization,
                    precision,
                    gpuKind,
                    gpuCount,
                    batchSize,
                    sequenceLength,
                    outputTokens: def.outputTokens,
                  };
                  const reasons = checkConfiguration(c, model);
                  if (reasons.length === 0) {
                    valid.push(c);
                    continue;
                  }
                  excluded.push({ id: formatConfigurationId(c), configuration: c, reasons });
                  for (const r of reasons) {
                    const g = groups.get(r.code) ?? { code: r.code, count: 0, examples: [] };
                    g.count++;
                    if (g.examples.length < 3 && !g.examples.includes(r.message)) g.examples.push(r.message);
                    groups.set(r.code, g);
                  }
                }
  }
  const order = orderByPriority(valid, def);
  const planned: PlannedConfiguration[] = order.map((i, priority) => {
    const c = valid[i];
    return {
      ...c,
      id: formatConfigurationId(c),
      priority,
      estimatedGpuHours: estimateGpuHours(c, def.requestsPerConfiguration),
    };
  });
  return {
    totalCombinations: total,
    valid: planned,
    excluded,
    exclusionGroups: [...groups.values()].sort((a, b) => b.count - a.count),
    estimatedGpuHours: planned.reduce((s, c) => s + c.estimatedGpuHours, 0),
  };
}

type FactorKey = Exclude<keyof BenchmarkConfiguration, 'outputTokens'>;
const FACTORS: { key: FactorKey; ordered: boolean; levels: (d: SweepDefinition) => readonly (string | number)[] }[] = [
  { key: 'model', ordered: false, levels: (d) => d.models },
  { key: 'engine', ordered: false, levels: (d) => d.engines },
  { key: 'quantization', ordered: false, levels: (d) => d.quantizations },
  { key: 'precision', ordered: false, levels: (d) => d.precisions },
  { key: 'gpuKind', ordered: false, levels: (d) => d.gpuKinds },
  { key: 'gpuCount', ordered: true, levels: (d) => [...d.gpuCounts].sort((a, b) => a - b) },
  { key: 'batchSize', ordered: true, levels: (d) => [...d.batchSizes].sort((a, b) => a - b) },
  { key: 'sequenceLength', ordered: true, levels: (d) => [...d.sequenceLengths].sort((a, b) => a - b) },
];

/** Greedy maximin picks after the one-factor neighbours; the rest follow by distance (cost is picks x n). */
const MAXIMIN_PICKS = 256;

/**
 * Priority order, so that a sweep stopped early has still answered the most:
 * 1. the baseline: first listed model/engine/format/precision/GPU kind (the user lists the
 *    default first) and the middle level of each ordered factor, or the valid configuration
 *    nearest to it;
 * 2. its one-factor-at-a-time neighbours: each shows one factor's effect against the baseline;
 * 3. a greedy maximin (space-filling) sequence: each next configuration is the one farthest from
 *    everything chosen, so early results cover the whole space instead of one corner;
 * 4. the rest by their distance to what was chosen, farthest first.
 * Distance counts a differing categorical factor as 1 and an ordered one as the level gap over the
 * level range. Returns indices into `configs`.
 */
export function orderByPriority(configs: readonly BenchmarkConfiguration[], def: SweepDefinition): number[] {
  const n = configs.length;
  if (n === 0) return [];
  // One column per factor: level index scaled to [0, 1] for ordered factors, the level index for categorical ones.
  const columns = FACTORS.map((factor) => {
    const levels = factor.levels(def);
    const index = new Map(levels.map((v, i) => [v, i]));
    const scale = factor.ordered && levels.length > 1 ? 1 / (levels.length - 1) : 1;
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = index.get(configs[i][factor.key])! * scale;
    const baseline = factor.ordered ? Math.floor((levels.length - 1) / 2) * scale : 0;
    return { col, ordered: factor.ordered, baseline };
  });
  /** distance of every configuration to the point `at` (one value per factor), into out */
  const measureDistances = (at: readonly number[], out: Float64Array) => {
    out.fill(0);
    for (let k = 0; k < columns.length; k++) {
      const { col, ordered } = columns[k];
      const v = at[k];
      if (ordered) for (let j = 0; j < n; j++) out[j] += Math.abs(col[j] - v);
      else for (let j = 0; j < n; j++) out[j] += col[j] === v ? 0 : 1;
    }
  };
  const pointOf = (i: number) => columns.map((c) => c.col[i]);

  const chosen = new Uint8Array(n);
  const order: number[] = [];
  const minDist = new Float64Array(n).fill(Infinity);
  const scratch = new Float64Array(n);
  const choose = (i: number) => {
    chosen[i] = 1;
    order.push(i);
    measureDistances(pointOf(i), scratch);
    for (let j = 0; j < n; j++) if (scratch[j] < minDist[j]) minDist[j] = scratch[j];
  };

  measureDistances(
    columns.map((c) => c.baseline),
    scratch,
  );
  let baseline = 0;
  for (let i = 1; i < n; i++) if (scratch[i] < scratch[baseline]) baseline = i;
  choose(baseline);
  // One-factor neighbours are exactly the configurations at Hamming distance 1 from the baseline.
  for (let i = 0; i < n; i++) {
    if (chosen[i]) continue;
    let differing = 0;
    for (let k = 0; k < columns.length && differing < 2; k++)
      if (columns[k].col[i] !== columns[k].col[baseline]) differing++;
    if (differing === 1) choose(i);
  }

  for (let pick = 0; pick < MAXIMIN_PICKS && order.length < n; pick++) {
    let far = -1;
    for (let j = 0; j < n; j++) if (!chosen[j] && (far < 0 || minDist[j] > minDist[far])) far = j;
    choose(far);
  }
  const rest: number[] = [];
  for (let j = 0; j < n; j++) if (!chosen[j]) rest.push(j);
  rest.sort((a, b) => minDist[b] - minDist[a] || a - b);
  return order.concat(rest);
}

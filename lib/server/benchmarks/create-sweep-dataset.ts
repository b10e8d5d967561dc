import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { expandSweep, SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { simulateBenchmark } from '@/lib/domain/benchmarks/perf-model';
import { benchmarkDatasets } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { invalid } from '../errors';
import { parseInput } from '../validate';
import { loadDatasetViews, type DatasetView } from './dataset-view';
import { generateResultsToken, hashSecret } from './results-token';
import { storeDataset } from './store-dataset';

/** More than this many simulated rows would make a page nobody can read; real sweeps post their own. */
const MAX_SIMULATED = 5_000;

const CreateSweepDatasetInput = z.object({
  name: z.string().trim().min(1, 'Give the sweep a name').max(120, 'At most 120 characters'),
  definition: SweepDefinition,
  /** fill the dataset with the performance model's results instead of waiting for real runs */
  simulate: z.boolean().default(false),
  seed: z.number().int().default(0),
});
type CreateSweepDatasetInput = z.infer<typeof CreateSweepDatasetInput>;

export interface CreatedSweep {
  dataset: DatasetView;
  /** the token its steps post results with (shown once) */
  resultsToken: string;
  planned: number;
  excluded: number;
  estimatedGpuHours: number;
}

/**
 * Creates the dataset a benchmark sweep posts into: the definition is expanded (so an empty or
 * impossible matrix is refused up front) and a results token is issued with it.
 */
export async function createSweepDataset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CreatedSweep> {
  requireRole(ctx, 'researcher');
  const data = parseInput(CreateSweepDatasetInput, input);
  const plan = expandSweep(data.definition);
  if (plan.valid.length === 0) {
    throw invalid('No configuration of this sweep can run', [
      {
        field: 'definition',
        message: plan.exclusionGroups.map((g) => `${g.count} × ${g.examples[0]}`).join('; ') || 'empty matrix',
      },
    ]);
  }
  if (data.simulate && plan.valid.length > MAX_SIMULATED) {
    throw invalid(`Simulating is limited to ${MAX_SIMULATED} configurations; this sweep has ${plan.valid.length}`, [
      { field: 'simulate', message: `narrow the sweep to at most ${MAX_SIMULATED} configurations` },
    ]);
  }
  const results = data.simulate ? plan.valid.map((c) => simulateBenchmark(c, { seed: data.seed })) : [];
  const definition = {
    sweep: data.definition,
    planned: plan.valid.length,
    excluded: plan.excluded.length,
    estimatedGpuHours: plan.estimatedGpuHours,
    simulated: data.simulate,
  };
  const id = await storeDataset(ctx, { name: data.name, source: 'sweep', definition }, results);
  const resultsToken = generateResultsToken();
  await ctx.db
    .update(benchmarkDatasets)
    .set({ resultsTokenHash: hashSecret(resultsToken) })
    .where(eq(benchmarkDatasets.id, id));
  const [dataset] = await loadDatasetViews(ctx, eq(benchmarkDatasets.id, id));
  return {
    dataset,
    resultsToken,
    planned: plan.valid.length,
    excluded: plan.excluded.length,
    estimatedGpuHours: plan.estimatedGpuHours,
  };
}

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { toClusterError } from '@/lib/cluster/errors';
import { formatConfigurationId } from '@/lib/domain/benchmarks/configuration';
import { expandSweep, SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { BENCHMARK_RUNNER_COMMAND, BENCHMARK_RUNNER_IMAGE } from '@/lib/domain/benchmarks/runner';
import { GpuKindId, PriorityClass } from '@/lib/domain/terms';
import { benchmarkDatasets } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { inTransaction, requireRole, type Ctx } from '../context';
import { AppError, forbidden, invalid, notFound } from '../errors';
import type { JobView } from '../jobs/job-view';
import { submitJob } from '../jobs/submit-job';
import { parseInput } from '../validate';
import { mayChangeDataset, visibleDataset } from './dataset-access';
import { generateResultsToken, hashSecret } from './results-token';
import { writeSweepSecret } from './sweep-secret';
import { toJobConfigurations, type JobConfiguration } from './sweep-configurations';
import { storedConfigurationIds } from './list-stored-configurations';

/**
 * One Workflow runs at most this many configurations, listed literally (well under Argo's 1 MB
 * object limit). A job with more pending runs in parts of this size: a parent Workflow creates one
 * child per part from a WorkflowTemplate, and each child fetches its part's pending configurations
 * from GET /api/benchmarks/configurations.
 */
export const MAX_CONFIGURATIONS_PER_JOB = 500;
/** Every configuration of the sweep travels in the job spec (as ids for the stored ones). */
const MAX_SWEEP_CONFIGURATIONS = 5_000;

const RunSweepJobInput = z.object({
  id: z.string().uuid('Not a dataset id'),
  /** Team slug; defaults to the submitter's team. */
  team: z.string().trim().min(1).optional(),
  priority: PriorityClass.default('normal'),
  /** the cluster's GPU kind the steps run on, e.g. a100-80gb-shared */
  gpuKind: GpuKindId,
  /** steps running at once; the job asks for this many times the GPUs of its largest configuration */
  parallelism: z.number().int().min(1, 'at least 1').max(64, 'at most 64').default(2),
  configurationsPerStep: z.number().int().min(1, 'at least 1').max(256, 'at most 256').default(8),
});
type RunSweepJobInput = z.infer<typeof RunSweepJobInput>;

export interface SweepJobRun {
  job: JobView;
  /** configurations this job measures */
  pending: number;
  /** configurations skipped because they already have results */
  skipped: number;
  steps: number;
  /** child Workflows the job runs in (1: a single Workflow) */
  parts: number;
}

export interface RunSweepDeps {
  /** where step pods reach Gantry (GANTRY_PUBLIC_URL) */
  publicUrl(): string;
  /** configurations per Workflow before the job runs in parts (tests use small parts) */
  partSize?: number;
}

const defaultRunSweepDeps: RunSweepDeps = { publicUrl: () => env().publicUrl };

type DatasetRow = typeof benchmarkDatasets.$inferSelect;

/** What the job asks for: its configurations (stored ones marked completed) and its GPUs and time. */
interface SweepJobPlan {
  configurations: JobConfiguration[];
  completed: string[];
  pending: number;
  gpusPerRun: number;
  gpuCount: number;
  expectedRuntimeSeconds: number;
  maxRuntimeSeconds: number;
}

/**
 * Runs a sweep dataset as a `benchmark` job through the queue. The spec lists the sweep's
 * configurations and marks those with stored results as completed (the resume); a fresh results
 * token goes into the sweep's Secret, and the steps post to Gantry's public URL with it.
 */
export async function runSweepJob(
  { ctx, input }: { ctx: Ctx; input: unknown },
  deps: RunSweepDeps = defaultRunSweepDeps,
): Promise<SweepJobRun> {
  requireRole(ctx, 'researcher');
  const data = parseInput(RunSweepJobInput, input);
  const { dataset, definition } = await loadRunnableSweep(ctx, data.id);
  const plan = await planSweepJob(ctx, data, definition);
  const partSize = Math.min(deps.partSize ?? MAX_CONFIGURATIONS_PER_JOB, MAX_CONFIGURATIONS_PER_JOB);

  return inTransaction(ctx, async (tx) => {
    // A new token for every run: the Secret is rewritten, and an older run's pods stop posting.
    const token = generateResultsToken();
    await tx.db
      .update(benchmarkDatasets)
      .set({ resultsTokenHash: hashSecret(token) })
      .where(eq(benchmarkDatasets.id, data.id));
    const job = await submitSweepJob(tx, data, dataset.name, plan, { publicUrl: deps.publicUrl(), partSize });
    try {
      await writeSweepSecret(tx, { datasetId: data.id, team: job.team, token });
    } catch (error) {
      // Thrown inside the transaction: the job and the new token are rolled back with it.
      throw new AppError(
        'UNAVAILABLE',
        `The cluster did not take the sweep's Secret: ${toClusterError(error).message}`,
        [],
        { cause: error },
      );
    }
    const runs = Array.isArray(dataset.definition.jobIds) ? (dataset.definition.jobIds as string[]) : [];
    await tx.db
      .update(benchmarkDatasets)
      .set({ definition: { ...dataset.definition, jobIds: [...runs, job.id] } })
      .where(eq(benchmarkDatasets.id, data.id));
    return {
      job,
      pending: plan.pending,
      skipped: plan.completed.length,
      ...countSteps(plan.configurations, new Set(plan.completed), data.configurationsPerStep, partSize),
    };
  });
}

/** The dataset, if the actor may see and run it and it is a sweep, with its parsed definition. */
async function loadRunnableSweep(ctx: Ctx, id: string): Promise<{ dataset: DatasetRow; definition: SweepDefinition }> {
  const [dataset] = await ctx.db.select().from(benchmarkDatasets).where(visibleDataset(ctx, id));
  if (!dataset) throw notFound('Benchmark dataset');
  if (!mayChangeDataset(ctx, dataset)) {
    throw forbidden('Only the creator of a sweep or an admin can run it');
  }
  const definition = SweepDefinition.safeParse(dataset.definition.sweep);
  if (dataset.source !== 'sweep' || !definition.success) {
    throw invalid('Only a sweep dataset can run as a job', [
      { field: 'id', message: 'this dataset was imported, not defined as a sweep' },
    ]);
  }
  return { dataset, definition: definition.data };
}

async function planSweepJob(ctx: Ctx, data: RunSweepJobInput, definition: SweepDefinition): Promise<SweepJobPlan> {
  const plan = expandSweep(definition);
  if (plan.valid.length > MAX_SWEEP_CONFIGURATIONS) {
    throw invalid(
      `A sweep job is limited to ${MAX_SWEEP_CONFIGURATIONS} configurations; this sweep has ${plan.valid.length}`,
      [{ field: 'id', message: `narrow the sweep to at most ${MAX_SWEEP_CONFIGURATIONS} configurations` }],
    );
  }
  const stored = await storedConfigurationIds(ctx, data.id);
  const configurations = toJobConfigurations(plan.valid);
  const completed = configurations.filter((_, i) => stored.has(formatConfigurationId(plan.valid[i]))).map((c) => c.id);
  const pending = plan.valid.filter((c) => !stored.has(formatConfigurationId(c)));
  if (pending.length === 0) {
    throw invalid('Every configuration of this sweep already has a result', [
      { field: 'id', message: 'nothing left to run' },
    ]);
  }
  const gpusPerRun = Math.max(...pending.map((c) => c.gpuCount));
  const gpuCount = Math.min(512, gpusPerRun * data.parallelism);
  // The plan's GPU-hours over the GPUs granted, plus slack for queueing between steps.
  const gpuHours = pending.reduce((s, c) => s + c.estimatedGpuHours, 0);
  const expectedRuntimeSeconds = Math.max(300, Math.ceil((gpuHours * 3600) / gpuCount));
  const maxRuntimeSeconds = Math.min(30 * 24 * 3600, Math.max(3600, expectedRuntimeSeconds * 4));
  return {
    configurations,
    completed,
    pending: pending.length,
    gpusPerRun,
    gpuCount,
    expectedRuntimeSeconds,
    maxRuntimeSeconds,
  };
}

async function submitSweepJob(
  tx: Ctx,
  data: RunSweepJobInput,
  datasetName: string,
  plan: SweepJobPlan,
  where: { publicUrl: string; partSize: number },
): Promise<JobView> {
  return (await submitJob({
    ctx: tx,
    input: {
      name: `Sweep ${datasetName}`.slice(0, 200),
      kind: 'benchmark',
      team: data.team,
      priority: data.priority,
      gpu: { kind: data.gpuKind, count: plan.gpuCount },
      expectedRuntimeSeconds: plan.expectedRuntimeSeconds,
      maxRuntimeSeconds: plan.maxRuntimeSeconds,
      spec: {
        image: BENCHMARK_RUNNER_IMAGE,
        command: BENCHMARK_RUNNER_COMMAND,
        env: { GANTRY_DATASET_ID: data.id },
        configurations: plan.configurations,
        completedConfigurationIds: plan.completed,
        resultsUrl: `${where.publicUrl}/api/benchmarks/results`,
        // used only when the job runs in parts (more than MAX_CONFIGURATIONS_PER_JOB pending)
        configurationsUrl: `${where.publicUrl}/api/benchmarks/configurations`,
        chunkSize: where.partSize,
        // the builder names the results-token Secret after the dataset (nameResultsTokenSecret)
        datasetId: data.id,
        configurationsPerStep: data.configurationsPerStep,
        parallelism: data.parallelism,
        gpusPerRun: plan.gpusPerRun,
      },
    },
  })) as JobView;
}

/** Steps (pods) and parts as the builder splits them: a part chunks only its own pending configurations. */
function countSteps(
  configurations: Array<{ id: string }>,
  completed: Set<string>,
  perStep: number,
  partSize: number,
): { steps: number; parts: number } {
  const pending = configurations.filter((c) => !completed.has(c.id)).length;
  if (pending <= partSize) return { steps: Math.ceil(pending / perStep), parts: 1 };
  let steps = 0;
  for (let i = 0; i < configurations.length; i += partSize) {
    steps += Math.ceil(configurations.slice(i, i + partSize).filter((c) => !completed.has(c.id)).length / perStep);
  }
  return { steps, parts: Math.ceil(configurations.length / partSize) };
}

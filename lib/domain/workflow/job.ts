// What a builder needs to know about a job. The server validates submissions with these schemas;
// the builders trust them. Each zod schema shares its name with its type (STYLE.md).
import { z } from 'zod';
import { JobKind, PriorityClass } from '../terms';

// Workflow names are `gantry-<id>` and Argo copies them into label values (max 63 chars).
const JOB_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/;
// The device plugin's resource names: whole GPUs (also time-sliced replicas) or one MIG profile.
const GPU_RESOURCE = /^nvidia\.com\/(gpu|mig-[1-7]g\.[0-9]+gb(\.me)?)$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const JobId = z
  .union([z.number().int().nonnegative(), z.string().regex(JOB_ID, 'lowercase letters, digits and dashes').max(50)])
  .transform(String);
type JobId = z.infer<typeof JobId>;

export const GpuRequest = z.object({
  // A GPU kind id (GpuKindId), checked when the job was submitted; the builders only count GPUs.
  kind: z.string().min(1),
  count: z.number().int().min(0).max(512),
});
export type GpuRequest = z.infer<typeof GpuRequest>;

const Toleration = z.object({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});
type Toleration = z.infer<typeof Toleration>;

export const Placement = z.object({
  pool: z.string().min(1),
  nodeSelector: z.record(z.string().regex(LABEL_KEY), z.string().regex(LABEL_VALUE).max(63)).default({}),
  tolerations: z.array(Toleration).default([]),
  resourceName: z.string().regex(GPU_RESOURCE, 'nvidia.com/gpu or nvidia.com/mig-<profile>').default('nvidia.com/gpu'),
});
export type Placement = z.infer<typeof Placement>;

const Quantity = z.string().regex(QUANTITY, 'a Kubernetes quantity such as 32Gi or 500m');
const EnvMap = z.record(z.string().regex(ENV_NAME), z.string()).default({});

export const TrainingSpec = z.object({
  image: z.string().min(1),
  command: z.array(z.string()).min(1),
  args: z.array(z.string()).default([]),
  env: EnvMap,
  configFile: z.string().min(1),
  workDir: z.string().min(1).default('/workspace'),
  memory: Quantity.default('32Gi'),
  cpu: Quantity.optional(),
  // Retries on infrastructure errors only (node lost, eviction), never on the user's own failure.
  retries: z.number().int().min(0).max(5).default(1),
});
export type TrainingSpec = z.infer<typeof TrainingSpec>;

export const EmbeddingSpec = z.object({
  datasetUri: z.string().min(1),
  outputUri: z.string().min(1),
  documents: z.number().int().positive(),
  chunkSize: z.number().int().positive().default(10_000),
  model: z.string().min(1).default('sentence-transformers/all-mpnet-base-v2'),
  batchSize: z.number().int().positive().max(4096).default(32),
  parallelism: z.number().int().positive().default(8),
  seqLength: z.number().int().positive().max(8192).default(384),
  image: z.string().min(1).default('ghcr.io/gantry-dev/embedding-pipeline:1'),
  memory: Quantity.default('16Gi'),
});
export type EmbeddingSpec = z.infer<typeof EmbeddingSpec>;

const BenchmarkConfiguration = z.object({
  id: z.string().regex(JOB_ID).max(63),
  parameters: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])),
});
type BenchmarkConfiguration = z.infer<typeof BenchmarkConfiguration>;

// Jobs stored before Gantry named the results-token Secret itself carry resultsTokenSecret; the
// dataset its name holds is read as datasetId (and checked like one at submission), nothing else.
const LEGACY_SWEEP_SECRET = /^gantry-sweep-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function readLegacyDatasetId(spec: unknown): unknown {
  if (typeof spec !== 'object' || spec === null || 'datasetId' in spec || !('resultsTokenSecret' in spec)) return spec;
  const { resultsTokenSecret, ...rest } = spec as { resultsTokenSecret?: { name?: unknown } };
  const match = typeof resultsTokenSecret?.name === 'string' ? LEGACY_SWEEP_SECRET.exec(resultsTokenSecret.name) : null;
  return match ? { ...rest, datasetId: match[1] } : rest;
}

export const BenchmarkSpec = z.preprocess(
  readLegacyDatasetId,
  z.object({
    image: z.string().min(1),
    command: z.array(z.string()).min(1),
    args: z.array(z.string()).default([]),
    env: EnvMap,
    memory: Quantity.default('32Gi'),
    configurations: z.array(BenchmarkConfiguration).min(1).max(100_000),
    // Results are POSTed here; a resumed part fetches its still-pending configurations from here.
    resultsUrl: z.string().min(1),
    configurationsUrl: z.string().min(1).optional(),
    // The sweep dataset this job runs: its results token is referenced from the Secret Gantry names
    // after the dataset (builders/benchmark.ts), so the token never appears in the Workflow object
    // and no input can point a job at another Secret.
    datasetId: z.string().uuid().optional(),
    completedConfigurationIds: z.array(z.string()).default([]),
    // A sweep with more configurations than this runs as a workflow of workflows, one part each.
    chunkSize: z.number().int().positive().max(5_000).default(500),
    // Configurations one step (one pod) runs in turn: a model loaded once serves several, and a
    // sweep of thousands does not become thousands of pods. 1 keeps a step per configuration.
    configurationsPerStep: z.number().int().positive().max(256).default(1),
    parallelism: z.number().int().positive().default(4),
    gpusPerRun: z.number().int().min(0).max(64).default(1),
    curlImage: z.string().min(1).default('curlimages/curl:8.11.1'),
  }),
);
export type BenchmarkSpec = z.infer<typeof BenchmarkSpec>;

export const RawWorkflowSpec = z.object({
  yaml: z
    .string()
    .min(1)
    .max(1024 * 1024),
});
export type RawWorkflowSpec = z.infer<typeof RawWorkflowSpec>;

const jobBase = {
  id: JobId,
  name: z.string().min(1).max(200),
  owner: z.string().min(1),
  team: z.string().min(1),
  priority: PriorityClass.default('normal'),
  gpu: GpuRequest,
  placement: Placement,
  maxRuntimeSeconds: z
    .number()
    .int()
    .positive()
    .max(30 * 24 * 3600),
};

export const TrainingJob = z.object({ ...jobBase, kind: z.literal(JobKind.enum.training), spec: TrainingSpec });
export type TrainingJob = z.infer<typeof TrainingJob>;
export const EmbeddingJob = z.object({ ...jobBase, kind: z.literal(JobKind.enum.embedding), spec: EmbeddingSpec });
export type EmbeddingJob = z.infer<typeof EmbeddingJob>;
export const BenchmarkJob = z.object({ ...jobBase, kind: z.literal(JobKind.enum.benchmark), spec: BenchmarkSpec });
export type BenchmarkJob = z.infer<typeof BenchmarkJob>;
export const RawWorkflowJob = z.object({ ...jobBase, kind: z.literal(JobKind.enum.workflow), spec: RawWorkflowSpec });
export type RawWorkflowJob = z.infer<typeof RawWorkflowJob>;

export const Job = z.discriminatedUnion('kind', [TrainingJob, EmbeddingJob, BenchmarkJob, RawWorkflowJob]);
export type Job = z.infer<typeof Job>;

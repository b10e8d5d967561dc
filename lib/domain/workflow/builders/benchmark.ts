// A benchmark sweep runs its configurations in steps of `configurationsPerStep` (one pod loads a
// model once and serves several), each step retried (3 attempts with backoff), and resumes by
// skipping configurations that already have results. A sweep too large for one object becomes a
// workflow of workflows: the parent creates one child Workflow per part from a WorkflowTemplate,
// and each child fetches its still-pending configurations from Gantry.
import { LABEL_PART } from '../../terms';
import { measureWorkflowBytes, WORKFLOW_TARGET_BYTES } from '../check';
import type { BenchmarkJob, Job } from '../job';
import type { Container, Template, Workflow, WorkflowTemplate } from '../types';
import {
  annotateJob,
  assertWorkflowSize,
  capParallelism,
  createWorkflow,
  describeJobSpec,
  labelJob,
  nameWorkflow,
  placeTemplate,
  requestResources,
  toNamedValues,
  WorkflowBuildError,
  type BuildOptions,
  type BuildResult,
} from './common';

// Literal items above this share of the byte budget push the sweep into parts, leaving room for
// the rest of the object and for Argo's own annotations.
const LITERAL_ITEMS_BUDGET = WORKFLOW_TARGET_BYTES / 2;

/**
 * One fan-out item, flat so `{{item.config}}` is a string: a configuration's id and parameters, or
 * for a chunked sweep `chunk-<n>` and a JSON array of `{ id, parameters }`.
 */
export interface SweepItem {
  id: string;
  config: string;
}

function listPendingConfigurations(job: BenchmarkJob): BenchmarkJob['spec']['configurations'] {
  const done = new Set(job.spec.completedConfigurationIds);
  return job.spec.configurations.filter((c) => !done.has(c.id));
}

function listPendingItems(job: BenchmarkJob): SweepItem[] {
  return toSweepItems(listPendingConfigurations(job), job.spec.configurationsPerStep);
}

/**
 * Fan-out items for configurations, one each or in chunks of `per`: what a literal sweep lists and
 * what Gantry's configurations endpoint answers a part's `withParam` with, so both run alike.
 */
export function toSweepItems(
  configurations: ReadonlyArray<{ id: string; parameters: unknown }>,
  per: number,
): SweepItem[] {
  if (per === 1) return configurations.map((c) => ({ id: c.id, config: JSON.stringify(c.parameters) }));
  const items: SweepItem[] = [];
  for (let i = 0; i < configurations.length; i += per) {
    items.push({ id: `chunk-${i / per}`, config: JSON.stringify(configurations.slice(i, i + per)) });
  }
  return items;
}

function countParts(job: BenchmarkJob): number {
  return Math.ceil(job.spec.configurations.length / job.spec.chunkSize);
}

/** Whether the sweep is split into child workflows: too many items, or too many bytes of them. */
function needsParts(job: BenchmarkJob, items: SweepItem[] = listPendingItems(job)): boolean {
  const configurations = job.spec.configurationsPerStep === 1 ? items.length : listPendingConfigurations(job).length;
  return configurations > job.spec.chunkSize || measureWorkflowBytes(items) > LITERAL_ITEMS_BUDGET;
}

/** Key of the results token in a sweep's Secret. */
export const RESULTS_TOKEN_KEY = 'token';

/**
 * The Secret holding a sweep dataset's results token, named by Gantry from the dataset id (never
 * taken from input), so a job can only ever point at the Secret of the dataset it runs.
 */
export function nameResultsTokenSecret(datasetId: string): string {
  return `gantry-sweep-${datasetId}`;
}

/** The Secrets Gantry creates for a job: the workload policy lets the job's pods reference these. */
export function listJobSecrets(job: Job): string[] {
  return job.kind === 'benchmark' && job.spec.datasetId ? [nameResultsTokenSecret(job.spec.datasetId)] : [];
}

// A sweep of a dataset posts with its token; a benchmark job without a dataset has none to post with.
function describeResultsTokenEnv(job: BenchmarkJob): NonNullable<Container['env']> {
  const { datasetId } = job.spec;
  if (!datasetId) return [];
  return [
    {
      name: 'GANTRY_RESULTS_TOKEN',
      valueFrom: { secretKeyRef: { name: nameResultsTokenSecret(datasetId), key: RESULTS_TOKEN_KEY } },
    },
  ];
}

function namePartTemplate(jobId: string): string {
  return `${nameWorkflow(jobId)}-part`;
}

export function buildBenchmarkWorkflow(job: BenchmarkJob, options: BuildOptions = {}): BuildResult {
  const items = listPendingItems(job);
  return needsParts(job, items)
    ? buildPartedSweep(job, options)
    : { workflow: buildLiteralSweep(job, items, options), workflowTemplates: [] };
}

function describeRunTemplate(job: BenchmarkJob): Template {
  const { spec } = job;
  return placeTemplate(
    {
      name: 'run-configuration',
      inputs: { parameters: [{ name: 'config-id' }, { name: 'config' }] },
      // Argo's limit counts retries after the first attempt: limit 2 = 3 attempts.
      retryStrategy: {
        limit: '2',
        retryPolicy: 'Always',
        backoff: { duration: '30s', factor: '2', maxDuration: '15m' },
      },
      // A resubmitted sweep skips configurations that already succeeded (Argo work avoidance). A
      // chunk's id is not its content, so chunked steps rely on the runner skipping posted results.
      ...(spec.configurationsPerStep === 1
        ? {
            memoize: {
              key: '{{inputs.parameters.config-id}}',
              maxAge: '720h',
              cache: { configMap: { name: `${nameWorkflow(job.id)}-memo` } },
            },
          }
        : {}),
      container: {
        image: spec.image,
        command: spec.command,
        args: spec.args,
        env: [
          ...toNamedValues(spec.env),
          { name: 'GANTRY_JOB_ID', value: job.id },
          { name: 'GANTRY_CONFIG_ID', value: '{{inputs.parameters.config-id}}' },
          { name: 'GANTRY_CONFIG', value: '{{inputs.parameters.config}}' },
          // Argo counts retries from 0; results are idempotent per configuration and attempt.
          { name: 'GANTRY_ATTEMPT', value: '{{retries}}' },
          { name: 'GANTRY_RESULTS_URL', value: spec.resultsUrl },
          ...describeResultsTokenEnv(job),
        ],
        resources: requestResources(job.placement, job.gpu.count > 0 ? spec.gpusPerRun : 0, spec.memory),
      },
    },
    job.placement,
  );
}

const runTask = {
  name: 'run',
  template: 'run-configuration',
  arguments: {
    parameters: [
      { name: 'config-id', value: '{{item.id}}' },
      { name: 'config', value: '{{item.config}}' },
    ],
  },
};

function buildLiteralSweep(job: BenchmarkJob, items: SweepItem[], options: BuildOptions): Workflow {
  const parallelism = capParallelism(job.spec.parallelism, job.gpu, job.spec.gpusPerRun);
  const workflow = createWorkflow(
    job,
    {
      entrypoint: 'sweep',
      // Every pod of a literal sweep is a run step, so the workflow-wide limit says the same as the
      // DAG's, and also holds for controllers that only honour the workflow's.
      parallelism,
      templates: [
        {
          name: 'sweep',
          parallelism,
          // Nothing left to run (a resume after every result arrived) still makes a valid DAG.
          dag: { tasks: items.length > 0 ? [{ ...runTask, withItems: items }] : [{ name: 'done', template: 'done' }] },
        },
        items.length > 0 ? describeRunTemplate(job) : { name: 'done', suspend: { duration: '0' } },
      ],
    },
    options,
  );
  assertWorkflowSize(workflow);
  return workflow;
}

function buildPartedSweep(job: BenchmarkJob, options: BuildOptions): BuildResult {
  const { spec } = job;
  if (!spec.configurationsUrl) {
    throw new WorkflowBuildError(`sweep of ${spec.configurations.length} configurations needs parts`, [
      { path: 'spec.configurationsUrl', message: 'is required when a sweep is split into parts' },
    ]);
  }
  const parts = countParts(job);
  const partTemplate: WorkflowTemplate = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: namePartTemplate(job.id), labels: labelJob(job), annotations: annotateJob(job) },
    spec: {
      ...describeJobSpec(job, options),
      entrypoint: 'part',
      arguments: { parameters: [{ name: 'part', value: '0' }] },
      templates: [
        {
          name: 'part',
          parallelism: capParallelism(spec.parallelism, job.gpu, spec.gpusPerRun),
          dag: {
            tasks: [
              { name: 'fetch-configurations', template: 'fetch-configurations' },
              {
                ...runTask,
                depends: 'fetch-configurations',
                withParam: '{{tasks.fetch-configurations.outputs.parameters.configurations}}',
              },
            ],
          },
        },
        {
          name: 'fetch-configurations',
          // curl retries Gantry's answers; this retries the pod (a lost node, an eviction). Fetching
          // again is harmless: it only reads.
          retryStrategy: { limit: '2', retryPolicy: 'Always', backoff: { duration: '10s', factor: '2' } },
          // Gantry answers with this part's configurations that have no result yet: the resume.
          container: {
            image: spec.curlImage,
            command: ['sh', '-c'],
            args: [
              'curl -fsS --retry 5 -H "Authorization: Bearer $GANTRY_RESULTS_TOKEN" ' +
                '"$GANTRY_CONFIGURATIONS_URL?part=$GANTRY_PART&partSize=$GANTRY_PART_SIZE&perStep=$GANTRY_CONFIGURATIONS_PER_STEP&pending=true" ' +
                '-o /tmp/configurations.json',
            ],
            env: [
              { name: 'GANTRY_CONFIGURATIONS_URL', value: spec.configurationsUrl },
              { name: 'GANTRY_PART', value: '{{workflow.parameters.part}}' },
              { name: 'GANTRY_PART_SIZE', value: String(spec.chunkSize) },
              // the answer comes chunked as the runner template expects its items
              { name: 'GANTRY_CONFIGURATIONS_PER_STEP', value: String(spec.configurationsPerStep) },
              ...describeResultsTokenEnv(job),
            ],
            resources: requestResources(job.placement, 0, '64Mi', '100m'),
          },
          outputs: { parameters: [{ name: 'configurations', valueFrom: { path: '/tmp/configurations.json' } }] },
        },
        describeRunTemplate(job),
      ],
    },
  };
  const child: Workflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: `${nameWorkflow(job.id)}-part-{{inputs.parameters.part}}`,
      labels: { ...labelJob(job), [LABEL_PART]: '{{inputs.parameters.part}}' },
      annotations: annotateJob(job),
    },
    spec: {
      workflowTemplateRef: { name: namePartTemplate(job.id) },
      arguments: { parameters: [{ name: 'part', value: '{{inputs.parameters.part}}' }] },
    },
  };
  const workflow = createWorkflow(
    job,
    {
      entrypoint: 'sweep',
      // The parent's only pods are its resource steps, so the workflow-wide limit says the same as
      // the DAG's, and also holds for controllers that only honour the workflow's.
      parallelism: 1,
      templates: [
        {
          name: 'sweep',
          // One part at a time: each part already uses every GPU the job was granted.
          parallelism: 1,
          dag: {
            tasks: [
              {
                name: 'part',
                template: 'run-part',
                withSequence: { count: String(parts) },
                arguments: { parameters: [{ name: 'part', value: '{{item}}' }] },
              },
            ],
          },
        },
        {
          name: 'run-part',
          inputs: { parameters: [{ name: 'part' }] },
          resource: {
            action: 'create',
            // Deleting the parent deletes its parts; JSON is valid YAML and needs no serializer.
            setOwnerReference: true,
            manifest: JSON.stringify(child, null, 2),
            successCondition: 'status.phase == Succeeded',
            failureCondition: 'status.phase in (Failed, Error)',
          },
        },
      ],
    },
    options,
  );
  assertWorkflowSize(workflow);
  assertWorkflowSize(partTemplate);
  return { workflow, workflowTemplates: [partTemplate] };
}

/** The child Workflow a part creates, with the part number filled in (for tests and previews). */
export function renderPartWorkflow(parent: Workflow, part: number): Workflow {
  const manifest = parent.spec.templates?.find((t) => t.name === 'run-part')?.resource?.manifest;
  if (!manifest) throw new Error(`${parent.metadata.name} is not a parted sweep`);
  return JSON.parse(manifest.replaceAll('{{inputs.parameters.part}}', String(part))) as Workflow;
}

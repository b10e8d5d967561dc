import { describe, expect, it } from 'vitest';
import { compileWorkflowValidator, validateWorkflow } from '../schema';
import { loadArgoSchema } from '../schema-loader';
import {
  makeBenchmarkJob,
  makeEmbeddingJob,
  makeRawWorkflowJob,
  makeTrainingJob,
  USER_WORKFLOW_YAML,
} from '../test-jobs';
import { describeWithReference, referencePath } from '@/lib/testing/reference';
import { measureWorkflowBytes } from '../check';
import type { Job } from '../job';
import type { Template, Workflow } from '../types';
import { LABEL_JOB_ID, LABEL_OWNER } from '../../terms';
import { buildWorkflow, mergeUserWorkflow, renderPartWorkflow, toLabelValue, WorkflowBuildError } from './index';

const jobs: Array<[string, () => Job]> = [
  ['training', () => makeTrainingJob()],
  ['embedding', () => makeEmbeddingJob()],
  ['benchmark (one object)', () => makeBenchmarkJob(12)],
  ['benchmark (workflow of workflows)', () => makeBenchmarkJob(3_000)],
  [
    'workflow (user YAML)',
    () => makeRawWorkflowJob(USER_WORKFLOW_YAML.replace('nvidia.com/gpu: 8', 'nvidia.com/gpu: 4')),
  ],
];

function podTemplates(workflow: Pick<Workflow, 'spec'>): Template[] {
  return (workflow.spec.templates ?? []).filter((t) => t.container || t.script);
}

function gpuTemplates(workflow: Pick<Workflow, 'spec'>): Template[] {
  return podTemplates(workflow).filter((t) =>
    Object.keys(t.container?.resources?.limits ?? {}).some((k) => k.startsWith('nvidia.com/')),
  );
}

describe.each(jobs)('buildWorkflow: %s', (_, makeJob) => {
  const job = makeJob();
  const { workflow, workflowTemplates } = buildWorkflow(job);

  it('validates against the Argo schema', () => {
    expect(validateWorkflow(workflow)).toEqual([]);
    for (const template of workflowTemplates) expect(validateWorkflow(template)).toEqual([]);
  });

  it('is named gantry-<jobId> and carries job and owner labels on the object and its pods', () => {
    expect(workflow.metadata.name).toBe(`gantry-${job.id}`);
    expect(workflow.metadata.generateName).toBeUndefined();
    expect(workflow.metadata.labels).toMatchObject({ [LABEL_JOB_ID]: job.id, [LABEL_OWNER]: toLabelValue(job.owner) });
    expect(workflow.metadata.annotations?.['gantry.dev/owner']).toBe(job.owner);
    expect(workflow.spec.podMetadata?.labels?.[LABEL_JOB_ID]).toBe(job.id);
  });

  it('sets priority class, deadline, pod GC and TTL', () => {
    expect(workflow.spec.podPriorityClassName).toBe(`gantry-${job.priority}`);
    expect(workflow.spec.activeDeadlineSeconds).toBeLessThanOrEqual(job.maxRuntimeSeconds);
    expect(workflow.spec.podGC?.strategy).toBeTruthy();
    expect(workflow.spec.ttlStrategy).toBeTruthy();
  });

  it('puts GPU steps on the pool with its resource name, within the grant', () => {
    const gpuHolder = workflowTemplates[0] ?? workflow;
    const templates = gpuTemplates(gpuHolder);
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) {
      const limits = template.container!.resources!.limits!;
      expect(Number(limits[job.placement.resourceName])).toBeGreaterThan(0);
      expect(Number(limits[job.placement.resourceName])).toBeLessThanOrEqual(job.gpu.count);
      expect(template.nodeSelector).toMatchObject(job.placement.nodeSelector);
      expect(template.tolerations).toEqual(expect.arrayContaining(job.placement.tolerations));
    }
  });

  it('stays well under the 1 MB limit', () => {
    expect(measureWorkflowBytes(workflow)).toBeLessThan(512 * 1024);
  });

  it('is deterministic', () => {
    expect(buildWorkflow(makeJob())).toEqual({ workflow, workflowTemplates });
  });
});

describe('training', () => {
  it('passes user, config file and work dir as parameters, one GPU step with a memory limit', () => {
    const { workflow } = buildWorkflow(makeTrainingJob());
    expect(workflow.spec.arguments?.parameters).toEqual([
      { name: 'user', value: 'alice@example.com' },
      { name: 'config-file', value: 'configs/llama-7b.yaml' },
      { name: 'work-dir', value: '/workspace/alice' },
    ]);
    const [train] = workflow.spec.templates!;
    expect(train.container!.resources!.limits).toEqual({ 'nvidia.com/gpu': '4', memory: '64Gi' });
    expect(train.retryStrategy?.retryPolicy).toBe('OnError');
  });
});

describe('embedding', () => {
  it('runs prepare-data, one gpu-embedder per chunk (parallelism within the grant), then merge-results', () => {
    const job = makeEmbeddingJob();
    const { workflow } = buildWorkflow(job);
    const pipeline = workflow.spec.templates!.find((t) => t.name === 'pipeline')!;
    expect(pipeline.dag!.tasks!.map((t) => t.name)).toEqual(['prepare-data', 'embed', 'merge-results']);
    expect(pipeline.dag!.tasks![1].withSequence).toEqual({ count: '10000' });
    expect(pipeline.parallelism).toBe(24); // asked 32, granted 24 T4s
    const args = workflow.spec.arguments!.parameters!;
    expect(args).toContainEqual({ name: 'model', value: 'sentence-transformers/all-mpnet-base-v2' });
    expect(args).toContainEqual({ name: 'batch-size', value: '32' });
  });
});

describe('benchmark', () => {
  it('retries 3 attempts with backoff and memoizes per configuration', () => {
    const { workflow } = buildWorkflow(makeBenchmarkJob(12));
    const run = workflow.spec.templates!.find((t) => t.name === 'run-configuration')!;
    expect(run.retryStrategy).toMatchObject({ limit: '2', backoff: { duration: '30s', factor: '2' } });
    expect(run.memoize?.key).toBe('{{inputs.parameters.config-id}}');
    expect(JSON.stringify(workflow)).not.toContain('token":"'); // the token comes from a Secret
  });

  it('resumes by leaving out configurations that already have results', () => {
    const job = makeBenchmarkJob(12);
    if (job.kind !== 'benchmark') throw new Error('unreachable');
    job.spec.completedConfigurationIds = ['c0', 'c5'];
    const { workflow } = buildWorkflow(job);
    const items = workflow.spec.templates![0].dag!.tasks![0].withItems as Array<{ id: string }>;
    expect(items.map((i) => i.id)).toHaveLength(10);
    expect(items.map((i) => i.id)).not.toContain('c5');
  });

  it('runs a chunk of configurations per step when asked, resuming around stored ones', () => {
    const job = makeBenchmarkJob(12);
    if (job.kind !== 'benchmark') throw new Error('unreachable');
    job.spec.configurationsPerStep = 5;
    job.spec.completedConfigurationIds = ['c1'];
    const { workflow } = buildWorkflow(job);
    const items = workflow.spec.templates![0].dag!.tasks![0].withItems as Array<{ id: string; config: string }>;
    expect(items.map((i) => i.id)).toEqual(['chunk-0', 'chunk-1', 'chunk-2']);
    const chunks = items.map((i) => (JSON.parse(i.config) as Array<{ id: string }>).map((c) => c.id));
    expect(chunks).toEqual([['c0', 'c2', 'c3', 'c4', 'c5'], ['c6', 'c7', 'c8', 'c9', 'c10'], ['c11']]);
    const run = workflow.spec.templates!.find((t) => t.name === 'run-configuration')!;
    expect(run.retryStrategy).toMatchObject({ limit: '2', backoff: { duration: '30s', factor: '2' } });
    expect(run.memoize).toBeUndefined(); // a chunk id says nothing about its content
    expect(run.container!.env).toContainEqual({ name: 'GANTRY_ATTEMPT', value: '{{retries}}' });
    expect(workflow.spec.parallelism).toBe(3); // 3 MIG slices granted, one per run
  });

  it('splits a large sweep into child workflows from one WorkflowTemplate', () => {
    const { workflow, workflowTemplates } = buildWorkflow(makeBenchmarkJob(3_000));
    expect(workflowTemplates.map((t) => t.metadata.name)).toEqual(['gantry-44-part']);
    expect(workflow.spec.templates![0].dag!.tasks![0].withSequence).toEqual({ count: '6' });
    expect(workflow.spec.parallelism).toBe(1); // one part at a time, also where only the workflow's limit is honoured
    const fetch = workflowTemplates[0].spec.templates!.find((t) => t.name === 'fetch-configurations')!;
    expect(fetch.container!.args![0]).toContain('perStep=$GANTRY_CONFIGURATIONS_PER_STEP');
    expect(fetch.container!.env).toContainEqual({ name: 'GANTRY_CONFIGURATIONS_PER_STEP', value: '1' });
    expect(fetch.retryStrategy).toMatchObject({ limit: '2', retryPolicy: 'Always' });
    const child = renderPartWorkflow(workflow, 5);
    expect(child.metadata.name).toBe('gantry-44-part-5');
    expect(child.metadata.labels?.[LABEL_JOB_ID]).toBe('44');
    expect(validateWorkflow(child)).toEqual([]);
  });

  it('needs a configurations URL to split', () => {
    const job = makeBenchmarkJob(3_000);
    if (job.kind !== 'benchmark') throw new Error('unreachable');
    delete job.spec.configurationsUrl;
    expect(() => buildWorkflow(job)).toThrow(WorkflowBuildError);
  });
});

describe('user workflow merge', () => {
  it('keeps the user templates and adds labels, resources and placement', () => {
    const job = makeRawWorkflowJob();
    const { workflow } = buildWorkflow(job);
    expect(workflow.spec.templates!.map((t) => t.name)).toEqual(['main', 'fetch', 'train']);
    expect(workflow.metadata).toMatchObject({ name: 'gantry-45', labels: { app: 'mine', [LABEL_JOB_ID]: '45' } });
    expect(workflow.metadata.namespace).toBeUndefined();
    expect(workflow.spec.activeDeadlineSeconds).toBe(6 * 3600);
    expect(workflow.spec.nodeSelector).toEqual({ disk: 'ssd' });
    const train = workflow.spec.templates!.find((t) => t.name === 'train')!;
    // 8 GPUs asked, 4 granted: kept as written, for the workload policy to refuse by name.
    expect(train.container!.resources!.limits).toEqual({ memory: '32Gi', 'nvidia.com/gpu': '8' });
    expect(train.nodeSelector).toMatchObject(job.placement.nodeSelector);
    const fetch = workflow.spec.templates!.find((t) => t.name === 'fetch')!;
    expect(fetch.nodeSelector).toBeUndefined();
    expect(workflow.spec.parallelism).toBe(1);
  });

  it('rewrites a GPU request to the MIG profile of the pool', () => {
    const job = makeRawWorkflowJob(USER_WORKFLOW_YAML.replace('nvidia.com/gpu: 8', 'nvidia.com/gpu: 2'), {
      gpu: { kind: 'mig-2g.20gb', count: 2 },
      placement: { pool: 'mig', resourceName: 'nvidia.com/mig-2g.20gb' },
    });
    if (job.kind !== 'workflow') throw new Error('unreachable');
    const { workflow } = buildWorkflow(job);
    const train = workflow.spec.templates!.find((t) => t.name === 'train')!;
    expect(train.container!.resources!.limits).toEqual({ memory: '32Gi', 'nvidia.com/mig-2g.20gb': '2' });
  });

  it('gives GPUs to every pod template, one at a time, when none asks', () => {
    const job = makeRawWorkflowJob(USER_WORKFLOW_YAML.replace(/nvidia.com\/gpu: 8\n/, ''));
    if (job.kind !== 'workflow') throw new Error('unreachable');
    const { workflow } = buildWorkflow(job);
    expect(gpuTemplates(workflow).map((t) => t.name)).toEqual(['fetch', 'train']);
    expect(workflow.spec.parallelism).toBe(1);
  });

  it('rejects invalid YAML with located problems', () => {
    const bad = makeRawWorkflowJob(USER_WORKFLOW_YAML.replace('image: alpine:3.20', 'image: [1, 2]'));
    try {
      buildWorkflow(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkflowBuildError);
      expect((error as WorkflowBuildError).problems).toContainEqual({
        path: 'spec.templates[1].container.image',
        message: 'must be string',
      });
    }
  });

  it('is pure: the parsed input is not modified', () => {
    const job = makeRawWorkflowJob();
    if (job.kind !== 'workflow') throw new Error('unreachable');
    const user = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {},
      spec: { entrypoint: 'a', templates: [{ name: 'a', container: { image: 'x' } }] },
    } as Workflow;
    const copy = structuredClone(user);
    mergeUserWorkflow(job, user);
    expect(user).toEqual(copy);
  });
});

describe('toLabelValue', () => {
  it('makes e-mail addresses and long names valid label values without collisions', () => {
    const values = ['alice@example.com', 'alice_example.com', 'x'.repeat(100), `${'x'.repeat(100)}y`].map(toLabelValue);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
    expect(new Set(values).size).toBe(values.length);
    expect(toLabelValue('bob')).toBe('bob');
  });
});

describeWithReference('builders against the full reference schema', () => {
  const validate = compileWorkflowValidator(loadArgoSchema(referencePath('argo/schema/jsonschema.schema.json')));
  it.each(jobs)('%s validates', (_, makeJob) => {
    const { workflow, workflowTemplates } = buildWorkflow(makeJob());
    expect(validate(workflow)).toEqual([]);
    for (const template of workflowTemplates) expect(validate(template)).toEqual([]);
  });
});

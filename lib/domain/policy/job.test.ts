import { describe, expect, it } from 'vitest';
import { TEAM_SERVICE_ACCOUNT } from '../tenancy';
import { buildWorkflow } from '../workflow/builders';
import { Job } from '../workflow/job';
import {
  makeBenchmarkJob,
  makeEmbeddingJob,
  makeRawWorkflowJob,
  makeTrainingJob,
  USER_WORKFLOW_YAML,
} from '../workflow/test-jobs';
import { checkJobWorkloads } from './job';

describe('every job kind, as Gantry builds it', () => {
  const team = { level: 'baseline' as const, allowedSecrets: [], exceptions: [] };
  const kinds = [
    ['training', () => makeTrainingJob()],
    ['embedding', () => makeEmbeddingJob()],
    ['benchmark', () => makeBenchmarkJob(12, {})],
    ['benchmark in parts', () => makeBenchmarkJob(3_000)],
    [
      'workflow',
      () =>
        makeRawWorkflowJob(
          USER_WORKFLOW_YAML.replace('nvidia.com/gpu: 8', 'nvidia.com/gpu: 4').replace(
            / {2}nodeSelector:\n {4}disk: ssd\n/,
            '',
          ),
        ),
    ],
  ] as const;

  it.each(kinds)('%s passes at baseline, and at restricted when Gantry builds it', (kind, make) => {
    const job = make();
    expect(
      checkJobWorkloads(job, buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT }), team, true),
    ).toEqual([]);
    if (kind === 'workflow') return;
    const restricted = buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT, podSecurity: 'restricted' });
    expect(checkJobWorkloads(job, restricted, { ...team, level: 'restricted' }, true)).toEqual([]);
  });

  it('lets a sweep reference only the Secret of its own dataset', () => {
    const datasetId = '6f1c2b9e-1f2a-4c3d-9e8f-0a1b2c3d4e5f';
    const job = makeBenchmarkJob(12, {});
    if (job.kind !== 'benchmark') throw new Error('unreachable');
    job.spec.datasetId = datasetId;
    const built = buildWorkflow(job);
    const env = built.workflow.spec.templates!.find((t) => t.name === 'run-configuration')!.container!.env!;
    expect(env.find((e) => e.name === 'GANTRY_RESULTS_TOKEN')?.valueFrom).toEqual({
      secretKeyRef: { name: `gantry-sweep-${datasetId}`, key: 'token' },
    });
    expect(checkJobWorkloads(job, built, team, true)).toEqual([]);
  });

  it('reads a stored job’s old resultsTokenSecret only as the dataset it names', () => {
    const datasetId = '6f1c2b9e-1f2a-4c3d-9e8f-0a1b2c3d4e5f';
    const legacy = makeBenchmarkJob(12, {});
    if (legacy.kind !== 'benchmark') throw new Error('unreachable');
    const stored = {
      ...legacy,
      spec: { ...legacy.spec, resultsTokenSecret: { name: `gantry-sweep-${datasetId}`, key: 'token' } },
    };
    delete (stored.spec as { datasetId?: string }).datasetId;
    expect(Job.parse(stored)).toMatchObject({ spec: { datasetId } });
    const other = {
      ...stored,
      spec: { ...stored.spec, resultsTokenSecret: { name: 'team-b-database', key: 'password' } },
    };
    const parsed = Job.parse(other);
    expect(parsed.kind === 'benchmark' && parsed.spec.datasetId).toBe(undefined);
    expect(JSON.stringify(buildWorkflow(parsed).workflow)).not.toContain('team-b-database');
  });

  it('names the user’s own GPU count, node selector and ServiceAccount in a raw workflow', () => {
    const job = makeRawWorkflowJob(
      USER_WORKFLOW_YAML.replace('entrypoint: main', 'entrypoint: main\n  serviceAccountName: argo-server'),
    );
    const built = buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT });
    expect(checkJobWorkloads(job, built, team, true).map((v) => [v.rule, v.path])).toEqual([
      ['gantry.placement', 'spec.nodeSelector.disk'],
      ['gantry.gpu', 'spec.templates[2].container.resources.limits["nvidia.com/gpu"]'],
      ['gantry.serviceAccount', 'spec.serviceAccountName'],
    ]);
  });
});

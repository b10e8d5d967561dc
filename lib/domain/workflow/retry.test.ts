import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { buildWorkflow } from './builders';
import { formulateRetry, listWorkflowsToRecreate, RetryError, type RetryableWorkflow } from './retry';
import { makeBenchmarkJob } from './test-jobs';
import { stepPodName } from './pod-name';

const NOW = '2026-01-02T03:04:05Z';
const fixture = (file: string): RetryableWorkflow =>
  YAML.parse(readReference('argo/status-fixtures', file)) as RetryableWorkflow;

describeWithReference('formulateRetry on Argo status fixtures', () => {
  it('removes a failed steps pod and resets its StepGroup and the Steps root (util__deepDeleteOfNodes)', () => {
    const wf = fixture('from-go-tests/util__deepDeleteOfNodes.yaml');
    const before = structuredClone(wf);
    const plan = formulateRetry(wf, NOW);
    expect(plan.removedNodeIds).toEqual(['steps-9fkqc-3224593506']);
    expect(plan.resetNodeIds).toEqual(['steps-9fkqc', 'steps-9fkqc-2862110744']);
    const failed = wf.status!.nodes!['steps-9fkqc-3224593506'];
    expect(plan.podsToDelete).toEqual([stepPodName('steps-9fkqc', failed.name, failed.templateName)]);
    const nodes = plan.workflow.status!.nodes!;
    expect(nodes['steps-9fkqc'].phase).toBe('Running');
    expect(nodes['steps-9fkqc'].finishedAt).toBeNull();
    expect(nodes['steps-9fkqc-2862110744']).toMatchObject({ phase: 'Running', startedAt: NOW, children: [] });
    expect(nodes['steps-9fkqc-2862110744'].message).toBeUndefined();
    // succeeded work is kept as it was
    expect(nodes['steps-9fkqc-1411266092']).toEqual(wf.status!.nodes!['steps-9fkqc-1411266092']);
    expect(nodes['steps-9fkqc-2929074125'].phase).toBe('Succeeded');
    expect(plan.workflow.status).toMatchObject({ phase: 'Running', startedAt: NOW, finishedAt: null });
    expect(plan.workflow.status!.message).toBeUndefined();
    expect(plan.workflow.metadata.labels).toEqual({ 'workflows.argoproj.io/phase': 'Running' });
    expect(plan.workflow.status!.conditions).toContainEqual({ type: 'Completed', status: 'False' });
    expect(wf).toEqual(before); // the input is not changed
  });

  it('removes every failed attempt of an exhausted Retry node and resets it (controller dag-disable-fail-fast)', () => {
    const plan = formulateRetry(fixture('controller-testdata__dag-disable-fail-fast.yaml'), NOW);
    const n = 'dag-disable-fail-fast-r6xdc';
    expect(plan.removedNodeIds).toEqual([`${n}-3256495944`, `${n}-3457680277`]);
    expect(plan.resetNodeIds).toEqual([n, `${n}-3961991537`]);
    const nodes = plan.workflow.status!.nodes!;
    expect(nodes[`${n}-3961991537`]).toMatchObject({ type: 'Retry', phase: 'Running', children: [] });
    for (const ok of ['3928436299', '3945213918', '3978769156', '3995546775', '4286504589'])
      expect(nodes[`${n}-${ok}`].phase).toBe('Succeeded');
    expect(plan.podsToDelete).toHaveLength(2);
  });

  it('removes a failed nested DAG task with everything after it and resets its DAG and the root (util__nestedDAG)', () => {
    const wf = fixture('from-go-tests/util__nestedDAG.yaml');
    const n = 'dag-nested-zxlc2';
    wf.status!.phase = 'Failed';
    for (const id of [n, `${n}-1937121996`]) wf.status!.nodes![id].phase = 'Failed';
    wf.status!.nodes![`${n}-903321510`].phase = 'Failed'; // C.D
    // what depends on C.D never ran
    for (const id of ['1920344377', '644277987', '694610844', '728166082', '744943701'])
      wf.status!.nodes![`${n}-${id}`].phase = 'Omitted';
    const plan = formulateRetry(wf, NOW);
    // C.D and what ran after it: the D DAG and its four steps
    expect(plan.removedNodeIds).toEqual(
      [
        `${n}-1920344377`,
        `${n}-644277987`,
        `${n}-694610844`,
        `${n}-728166082`,
        `${n}-744943701`,
        `${n}-903321510`,
      ].sort(),
    );
    expect(plan.resetNodeIds).toEqual([n, `${n}-1937121996`]);
    expect(plan.workflow.status!.nodes![`${n}-953654367`].children).toEqual([]);
    expect(plan.podsToDelete).toHaveLength(5);
  });

  it('drops the exit handler so it runs again, and a failed root pod (util__exitHandler)', () => {
    const plan = formulateRetry(fixture('from-go-tests/util__exitHandler.yaml'), NOW);
    expect(plan.workflow.status!.nodes).toEqual({});
    expect(plan.podsToDelete).toContain('retry-script-6xt68');
    expect(plan.podsToDelete).toHaveLength(2);
  });

  it('refuses a workflow that is still running (controller steps-failed-retries)', () => {
    expect(() => formulateRetry(fixture('controller-testdata__steps-failed-retries.yaml'), NOW)).toThrow(RetryError);
    expect(() => formulateRetry(fixture('controller-testdata__steps-failed-retries.yaml'), NOW)).toThrow(/Running/);
  });
});

it('clears a Terminate shutdown and a zero deadline, and keeps a failed step whose retry succeeded', () => {
  const wf: RetryableWorkflow = {
    metadata: { name: 'w', labels: { 'workflows.argoproj.io/completed': 'true', 'gantry.dev/job-id': '7' } },
    spec: { shutdown: 'Terminate', activeDeadlineSeconds: 0, entrypoint: 'main' },
    status: {
      phase: 'Failed',
      message: 'Stopped with strategy Terminate',
      nodes: {
        w: { id: 'w', name: 'w', type: 'DAG', phase: 'Failed', children: ['w-1', 'w-2'] },
        'w-1': {
          id: 'w-1',
          name: 'w.a',
          type: 'Retry',
          phase: 'Succeeded',
          boundaryID: 'w',
          children: ['w-10', 'w-11'],
        },
        'w-10': {
          id: 'w-10',
          name: 'w.a(0)',
          type: 'Pod',
          phase: 'Failed',
          boundaryID: 'w',
          templateName: 't',
          nodeFlag: { retried: true },
        },
        'w-11': {
          id: 'w-11',
          name: 'w.a(1)',
          type: 'Pod',
          phase: 'Succeeded',
          boundaryID: 'w',
          templateName: 't',
          nodeFlag: { retried: true },
        },
        'w-2': { id: 'w-2', name: 'w.b', type: 'Pod', phase: 'Error', boundaryID: 'w', templateName: 't' },
      },
    },
  };
  const plan = formulateRetry(wf, NOW);
  expect(plan.workflow.spec).toEqual({ entrypoint: 'main' });
  expect(plan.workflow.metadata.labels).toEqual({ 'gantry.dev/job-id': '7', 'workflows.argoproj.io/phase': 'Running' });
  expect(plan.removedNodeIds).toEqual(['w-2']);
  expect(plan.resetNodeIds).toEqual(['w']);
  expect(plan.workflow.status!.nodes!.w.children).toEqual(['w-1']);
  expect(plan.workflow.status!.nodes!['w-10'].phase).toBe('Failed');
  expect(plan.podsToDelete).toEqual([stepPodName('w', 'w.b', 't')]);
});

it('refuses a succeeded workflow with a sentence naming its phase', () => {
  expect(() => formulateRetry({ metadata: { name: 'x' }, spec: {}, status: { phase: 'Succeeded' } }, NOW)).toThrow(
    'Only a Failed or Error workflow can be retried; this one is Succeeded',
  );
});

describe('listWorkflowsToRecreate', () => {
  // A sweep of 3,000 configurations in parts of 500: part 0 succeeded, part 1 failed, the DAG failed.
  const partedSweep = (): RetryableWorkflow => {
    const { workflow } = buildWorkflow(makeBenchmarkJob(3_000));
    const part = (id: string, n: number, phase: string) => ({
      id,
      name: `gantry-44.part(${n}:${n})`,
      displayName: `part(${n}:${n})`,
      type: 'Pod',
      templateName: 'run-part',
      phase,
      boundaryID: 'gantry-44',
      inputs: { parameters: [{ name: 'part', value: String(n) }] },
    });
    return {
      ...(workflow as unknown as RetryableWorkflow),
      status: {
        phase: 'Failed',
        nodes: {
          'gantry-44': {
            id: 'gantry-44',
            name: 'gantry-44',
            type: 'DAG',
            templateName: 'sweep',
            phase: 'Failed',
            children: ['p0', 'p1'],
          },
          p0: part('p0', 0, 'Succeeded'),
          p1: part('p1', 1, 'Failed'),
        },
      },
    } as RetryableWorkflow;
  };

  it('names the child Workflow of each part step the retry removes, and only those', () => {
    const wf = partedSweep();
    const plan = formulateRetry(wf, NOW);
    expect(plan.removedNodeIds).toEqual(['p1']);
    expect(listWorkflowsToRecreate(wf, plan.removedNodeIds)).toEqual(['gantry-44-part-1']);
    expect(listWorkflowsToRecreate(wf, ['p0', 'p1'])).toEqual(['gantry-44-part-0', 'gantry-44-part-1']);
    expect(listWorkflowsToRecreate(wf, [])).toEqual([]);
    // a group node, an unknown id: nothing
    expect(listWorkflowsToRecreate(wf, ['gantry-44', 'nope'])).toEqual([]);
  });

  it('reads templates a workflow got from its WorkflowTemplate and substitutes the workflow name', () => {
    const wf: RetryableWorkflow = {
      metadata: { name: 'w' },
      spec: { workflowTemplateRef: { name: 't' } },
      status: {
        phase: 'Failed',
        storedWorkflowTemplateSpec: {
          templates: [
            {
              name: 'make',
              resource: {
                action: 'create',
                manifest:
                  'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: "{{workflow.name}}-child" }\n',
              },
            },
          ],
        },
        nodes: { a: { id: 'a', name: 'w.a', type: 'Pod', templateName: 'make', phase: 'Failed' } },
      },
    };
    expect(listWorkflowsToRecreate(wf, ['a'])).toEqual(['w-child']);
  });

  it('leaves alone what it cannot name for sure: other kinds, other actions, generated or unresolved names', () => {
    const step = (manifest: string, action = 'create'): RetryableWorkflow => ({
      metadata: { name: 'w' },
      spec: { templates: [{ name: 'make', resource: { action, manifest } }] },
      status: {
        phase: 'Failed',
        nodes: { a: { id: 'a', name: 'w.a', type: 'Pod', templateName: 'make', phase: 'Failed' } },
      },
    });
    const wf = (name: string) => `{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","metadata":{${name}}}`;
    expect(listWorkflowsToRecreate(step(wf('"name":"c"')), ['a'])).toEqual(['c']);
    expect(listWorkflowsToRecreate(step(wf('"name":"c"'), 'apply'), ['a'])).toEqual([]);
    expect(listWorkflowsToRecreate(step(wf('"generateName":"c-"')), ['a'])).toEqual([]);
    expect(listWorkflowsToRecreate(step(wf('"name":"c-{{inputs.parameters.part}}"')), ['a'])).toEqual([]);
    expect(
      listWorkflowsToRecreate(step('{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"c"}}'), ['a']),
    ).toEqual([]);
    expect(listWorkflowsToRecreate(step('kind: [unclosed'), ['a'])).toEqual([]);
  });
});

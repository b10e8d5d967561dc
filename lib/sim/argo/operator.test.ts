import { expect, it } from 'vitest';
import YAML from 'yaml';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { evaluate, evaluateDepends } from './expr';
import { stepPodName, workflowNodeId, itemLabel } from '@/lib/domain/workflow/pod-name';
import { Operator } from './operator';
import { buildCtx, newOperatorState, type PodRequest } from './operator-context';
import type { NodeStatus } from './types';

type Wf = Parameters<typeof buildCtx>[0];

/** Runs the operator to a fixed point; pods finish on the next pass with the given outcome. */
function drive(wf: Wf, outcome: (req: PodRequest) => 'Succeeded' | 'Failed' = () => 'Succeeded', maxPasses = 50) {
  const state = newOperatorState();
  const pods: PodRequest[] = [];
  let result: ReturnType<Operator['run']>;
  for (let pass = 0; pass < maxPasses; pass++) {
    const nodes = (wf.status.nodes ?? {}) as Record<string, NodeStatus>;
    for (const p of pods) {
      const n = nodes[p.nodeId];
      if (n && n.phase === 'Pending') {
        n.phase = outcome(p);
        n.finishedAt = new Date().toISOString();
        n.outputs = {
          exitCode: n.phase === 'Succeeded' ? '0' : '1',
          result: p.scope['inputs.parameters.message'] ?? '',
        };
      }
    }
    const ctx = buildCtx(
      wf,
      { now: () => Date.now(), speed: 1, wakeAt: () => undefined, createPod: (r) => (pods.push(r), true) },
      state,
    );
    result = new Operator(ctx).run();
    if (result) return { result, pods, nodes: ctx.nodes };
  }
  throw new Error('workflow did not finish');
}

const load = (file: string, name: string): Wf => {
  const wf = YAML.parse(readReference('argo/examples', file));
  return { metadata: { name, namespace: 'default', uid: 'u1' }, spec: wf.spec, status: {} };
};

describeWithReference('simulated Argo operator', () => {
  it('names nodes and pods like Argo (vectors from the dag-diamond status fixture)', () => {
    const fixture = YAML.parse(readReference('argo/status-fixtures/from-go-tests', 'util__dagDiamondRetry.yaml'));
    const wfName = fixture.metadata.name as string;
    for (const n of Object.values<{ id: string; name: string }>(fixture.status.nodes)) {
      expect(workflowNodeId(wfName, n.name)).toBe(n.id);
    }
    // pod names in the fixture's log artifact keys: <wf>-<template>-<hash>
    const d = Object.values(fixture.status.nodes).find((n) => (n as { displayName: string }).displayName === 'D') as {
      name: string;
      outputs: { artifacts: Array<{ s3: { key: string } }> };
    };
    expect(d.outputs.artifacts[0].s3.key).toContain(stepPodName(wfName, d.name, 'echo'));
  });

  it('runs dag-diamond: A, then B and C, then D, with Argo children links', () => {
    const { result, nodes, pods } = drive(load('dag-diamond.yaml', 'dag-diamond-abcde'));
    expect(result).toEqual({ phase: 'Succeeded' });
    const byName = (n: string) => Object.values(nodes).find((x) => x.displayName === n)!;
    expect(pods.map((p) => p.nodeName)).toEqual([
      'dag-diamond-abcde.A',
      'dag-diamond-abcde.B',
      'dag-diamond-abcde.C',
      'dag-diamond-abcde.D',
    ]);
    expect(byName('A').children?.sort()).toEqual([byName('B').id, byName('C').id].sort());
    expect(byName('B').children).toEqual([byName('D').id]);
    expect(nodes['dag-diamond-abcde'].type).toBe('DAG');
    expect(nodes['dag-diamond-abcde'].outboundNodes).toEqual([byName('D').id]);
    expect(byName('D').inputs?.parameters).toEqual([{ name: 'message', value: 'D' }]);
  });

  it('fans out withItems in steps with Argo item labels', () => {
    const { result, nodes } = drive(load('loops-maps.yaml', 'loops-maps-x'));
    expect(result?.phase).toBe('Succeeded');
    const names = Object.values(nodes)
      .filter((n) => n.type === 'Pod')
      .map((n) => n.name)
      .sort();
    expect(names).toEqual(
      [
        'loops-maps-x[0].test-linux(0:image:debian,tag:9.1)',
        'loops-maps-x[0].test-linux(1:image:debian,tag:8.9)',
        'loops-maps-x[0].test-linux(2:image:alpine,tag:3.6)',
        'loops-maps-x[0].test-linux(3:image:ubuntu,tag:17.10)',
      ].sort(),
    );
    expect(Object.values(nodes).filter((n) => n.type === 'StepGroup')).toHaveLength(1);
  });

  it('retries a failing step until the limit, then fails with "No more retries left"', () => {
    const { result, nodes } = drive(load('retry-container.yaml', 'retry-c'), () => 'Failed');
    expect(result?.phase).toBe('Failed');
    const retry = Object.values(nodes).find((n) => n.type === 'Retry')!;
    const wf = YAML.parse(readReference('argo/examples', 'retry-container.yaml'));
    const limit = Number(wf.spec.templates[0].retryStrategy.limit);
    expect(retry.children).toHaveLength(limit + 1);
    expect(retry.message).toBe('No more retries left');
  });

  it('runs the exit handler after a failure, skipping the "celebrate" branch', () => {
    const { result, nodes } = drive(load('exit-handlers.yaml', 'exit-h'), (r) =>
      r.template.name === 'intentional-fail' ? 'Failed' : 'Succeeded',
    );
    expect(result?.phase).toBe('Failed');
    const skipped = Object.values(nodes).find((n) => n.displayName === 'celebrate')!;
    expect(skipped.phase).toBe('Skipped');
    expect(Object.values(nodes).find((n) => n.displayName === 'cry')?.phase).toBe('Succeeded');
    expect(nodes[workflowNodeId('exit-h', 'exit-h.onExit')]?.type).toBe('Steps');
  });

  it('omits DAG tasks whose depends condition is not met', () => {
    const wf: Wf = {
      metadata: { name: 'omit' },
      status: {},
      spec: {
        entrypoint: 'main',
        templates: [
          {
            name: 'main',
            dag: {
              tasks: [
                { name: 'a', template: 'c' },
                { name: 'b', template: 'c', depends: 'a.Failed' },
                { name: 'd', template: 'c', depends: 'a' },
              ],
            },
          },
          { name: 'c', container: { image: 'x' } },
        ],
      },
    };
    const { result, nodes } = drive(wf);
    expect(result?.phase).toBe('Succeeded');
    expect(Object.values(nodes).find((n) => n.displayName === 'b')?.phase).toBe('Omitted');
  });
});

it('evaluates when/depends expressions like Argo', () => {
  expect(evaluate('heads == heads')).toBe(true);
  expect(evaluate('5 < 10 && tails != heads')).toBe(true);
  expect(evaluate('Failed != Succeeded || false')).toBe(true);
  const phases: Record<string, string> = { A: 'Succeeded', B: 'Failed', C: 'Skipped' };
  expect(evaluateDepends('A && C', (t) => phases[t])).toBe(true);
  expect(evaluateDepends('A && B', (t) => phases[t])).toBe(false);
  expect(evaluateDepends('B.Failed || B.Errored', (t) => phases[t])).toBe(true);
  expect(evaluateDepends('!(A.Succeeded)', (t) => phases[t])).toBe(false);
  expect(itemLabel({ b: 2, a: 'x' })).toBe('a:x,b:2');
});

it('keeps a step Pending with the API server refusal while it is transient, creates its pod once admitted, and errors on any other refusal', () => {
  const wf: Wf = {
    metadata: { name: 'refused', namespace: 'gantry-t', uid: 'u2' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
    status: {},
  };
  const state = newOperatorState();
  const wakes: number[] = [];
  const quota = {
    message:
      'pods "refused" is forbidden: exceeded quota: gantry-gpus, requested: requests.nvidia.com/gpu=2, used: requests.nvidia.com/gpu=0, limited: requests.nvidia.com/gpu=1',
    transient: true,
  };
  let answer: boolean | typeof quota = quota;
  const created: PodRequest[] = [];
  const pass = () => {
    const ctx = buildCtx(
      wf,
      {
        now: () => 1_000,
        speed: 10,
        wakeAt: (ms) => wakes.push(ms),
        createPod: (r) => (answer === true && created.push(r), answer),
      },
      state,
    );
    return { result: new Operator(ctx).run(), node: ctx.nodes[workflowNodeId('refused', 'refused')] };
  };
  const first = pass();
  let { node } = first;
  expect(first.result).toBeUndefined();
  expect(node).toMatchObject({ type: 'Pod', phase: 'Pending', message: quota.message });
  // requeued after Argo's 10 s (divided by the speed), and refused again meanwhile
  expect(wakes).toEqual([2_000]);
  ({ node } = pass());
  expect(node.message).toBe(quota.message);
  expect(created).toHaveLength(0);
  answer = true;
  ({ node } = pass());
  expect(created.map((r) => r.nodeName)).toEqual(['refused']);
  expect(node.phase).toBe('Pending');
  expect(node.message).toBeUndefined();
  // once created, the pod is not asked for again
  pass();
  expect(created).toHaveLength(1);

  const other: Wf = { metadata: { name: 'no-sa', namespace: 'gantry-t', uid: 'u3' }, spec: wf.spec, status: {} };
  const forbidden =
    'pods "no-sa" is forbidden: error looking up service account gantry-t/builder: serviceaccount "builder" not found';
  const ctx = buildCtx(
    other,
    {
      now: () => 1_000,
      speed: 1,
      wakeAt: () => undefined,
      createPod: () => ({ message: forbidden, transient: false }),
    },
    newOperatorState(),
  );
  expect(new Operator(ctx).run()).toEqual({ phase: 'Error', message: forbidden });
});

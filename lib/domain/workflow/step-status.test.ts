import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { compactNodes, gpuSecondsOf, stepPodName, tailBytes } from './step-status';

describeWithReference('stepPodName', () => {
  it('matches the pod name in the dag-diamond fixture log artifact key', () => {
    const fixture = YAML.parse(readReference('argo/status-fixtures/from-go-tests', 'util__dagDiamondRetry.yaml'));
    const wfName = fixture.metadata.name as string;
    const d = Object.values(fixture.status.nodes).find((n) => (n as { displayName: string }).displayName === 'D') as {
      name: string;
      outputs: { artifacts: Array<{ s3: { key: string } }> };
    };
    expect(d.outputs.artifacts[0].s3.key).toContain(stepPodName(wfName, d.name, 'echo'));
  });
});

describe('step status helpers', () => {
  // The simulated cluster names its pods with this same function (lib/domain/workflow/pod-name.ts);
  // these are the names both gave when each had its own copy.
  it('names pods as the simulated cluster does', () => {
    for (const [wf, node, tpl, pod] of [
      ['gantry-42', 'gantry-42.train', 'train', 'gantry-42-train-377708751'],
      ['gantry-7', 'gantry-7[0].step(1:a)', 'x'.repeat(300), `gantry-7-${'x'.repeat(233)}-2998413709`],
      ['gantry-7', 'gantry-7', 'main', 'gantry-7'],
    ]) {
      expect(stepPodName(wf, node, tpl)).toBe(pod);
    }
  });

  it('counts whole GPUs and MIG slices, nothing else', () => {
    expect(gpuSecondsOf({ cpu: 100, memory: 50, 'nvidia.com/gpu': 20, 'nvidia.com/mig-1g.10gb': 5 })).toBe(25);
    expect(gpuSecondsOf(undefined)).toBe(0);
  });

  it('keeps the tail of a long log at a line start', () => {
    const log = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n');
    const tail = tailBytes(log, 1024);
    expect(new TextEncoder().encode(tail).length).toBeLessThanOrEqual(1024);
    expect(tail.endsWith('line 9999')).toBe(true);
    expect(tail.split('\n')[0]).toMatch(/^line \d+$/);
    expect(tailBytes('short')).toBe('short');
  });

  it('drops fields the graph never reads', () => {
    const nodes = compactNodes({
      a: {
        id: 'a',
        name: 'wf.a',
        phase: 'Succeeded',
        outputs: { exitCode: '0', artifacts: [{ name: 'main-logs' }] },
        memoizationStatus: { hit: true },
      },
    });
    expect(nodes).toEqual({ a: { id: 'a', name: 'wf.a', phase: 'Succeeded', outputs: { exitCode: '0' } } });
  });
});

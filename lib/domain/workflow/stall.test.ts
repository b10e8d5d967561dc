import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { detectStall, duration, type StallInput } from './stall';
import type { NodeStatus } from './types';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const policy = { pendingMs: 15 * MIN, graceMs: 10 * MIN };
const UNSCHED =
  "Unschedulable: 0/14 nodes are available: 4 Insufficient nvidia.com/gpu, 10 node(s) didn't match Pod's node affinity/selector.";

function running(nodes: NodeStatus[], extra: Partial<StallInput['workflow']['spec']> = {}): StallInput['workflow'] {
  return {
    metadata: { creationTimestamp: at(0) },
    spec: { ...extra },
    status: { phase: 'Running', startedAt: at(0), nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
  };
}
const root: NodeStatus = { id: 'w', name: 'w', type: 'DAG', phase: 'Running', startedAt: at(0) };
const pod = (id: string, phase: string, startedAt: number, message?: string, finishedAt?: number): NodeStatus => ({
  id,
  name: `w.${id}`,
  displayName: id,
  type: 'Pod',
  phase: phase as NodeStatus['phase'],
  startedAt: at(startedAt),
  ...(message ? { message } : {}),
  ...(finishedAt !== undefined ? { finishedAt: at(finishedAt) } : {}),
});

describe('detectStall', () => {
  it('fails a workflow whose only open step waited for a node longer than the window, quoting the scheduler', () => {
    const wf = running([root, pod('a', 'Succeeded', 0, undefined, 2 * MIN), pod('b', 'Pending', 2 * MIN, UNSCHED)]);
    expect(detectStall({ workflow: wf, maxRuntimeSeconds: 3600 * 24, now: T0 + 16 * MIN }, policy)).toBeNull(); // 14 min waited
    const stall = detectStall({ workflow: wf, maxRuntimeSeconds: 3600 * 24, now: T0 + 18 * MIN }, policy);
    expect(stall).toEqual({
      kind: 'UNSCHEDULABLE',
      message: `Step b has waited 16 min for a node with no step running: ${UNSCHED.slice('Unschedulable: '.length)}`,
    });
  });

  it('does not count a step waiting while another step runs, or one merely pending without a scheduler message', () => {
    const busy = running([root, pod('a', 'Running', 0), pod('b', 'Pending', 0, UNSCHED)]);
    expect(detectStall({ workflow: busy, maxRuntimeSeconds: 86_400, now: T0 + 60 * MIN }, policy)).toBeNull();
    const creating = running([root, pod('b', 'Pending', 0)]);
    expect(detectStall({ workflow: creating, maxRuntimeSeconds: 86_400, now: T0 + 60 * MIN }, policy)).toBeNull();
  });

  it('names how many more steps wait', () => {
    const wf = running([
      root,
      pod('a', 'Pending', 0, UNSCHED),
      pod('b', 'Pending', MIN, UNSCHED),
      pod('c', 'Pending', MIN, UNSCHED),
    ]);
    expect(detectStall({ workflow: wf, maxRuntimeSeconds: 86_400, now: T0 + 20 * MIN }, policy)?.message).toMatch(
      /^Step a \(and 2 more steps\) has waited 20 min/,
    );
  });

  it('fails a run past the lower of activeDeadlineSeconds and the job limit plus grace with no step change', () => {
    const wf = running([root, pod('a', 'Running', MIN)], { activeDeadlineSeconds: 1800 });
    expect(detectStall({ workflow: wf, maxRuntimeSeconds: 7200, now: T0 + 39 * MIN }, policy)).toBeNull();
    const stall = detectStall({ workflow: wf, maxRuntimeSeconds: 7200, now: T0 + 41 * MIN }, policy);
    expect(stall?.kind).toBe('OVERDUE');
    expect(stall?.message).toBe(
      'The workflow has run 41 min, past its 30 min limit by 11 min, and no step has changed for 40 min; its deadline did not stop it.',
    );
    // the job's own limit applies when it is the lower one
    expect(detectStall({ workflow: wf, maxRuntimeSeconds: 600, now: T0 + 21 * MIN }, policy)?.kind).toBe('OVERDUE');
  });

  it('leaves an overdue run alone while its steps still change', () => {
    const wf = running([root, pod('a', 'Succeeded', 0, undefined, 50 * MIN), pod('b', 'Running', 55 * MIN)]);
    expect(detectStall({ workflow: wf, maxRuntimeSeconds: 1800, now: T0 + 60 * MIN }, policy)).toBeNull();
    expect(detectStall({ workflow: wf, maxRuntimeSeconds: 1800, now: T0 + 66 * MIN }, policy)?.kind).toBe('OVERDUE');
  });

  it('fails a workflow no controller picked up, and ignores finished ones', () => {
    const fresh = { metadata: { creationTimestamp: at(0) }, spec: {} };
    expect(detectStall({ workflow: fresh, maxRuntimeSeconds: 60, now: T0 + 14 * MIN }, policy)).toBeNull();
    expect(detectStall({ workflow: fresh, maxRuntimeSeconds: 60, now: T0 + 15 * MIN }, policy)?.kind).toBe(
      'NOT_STARTED',
    );
    const done = { ...running([root]), status: { phase: 'Failed', startedAt: at(0) } };
    expect(detectStall({ workflow: done, maxRuntimeSeconds: 60, now: T0 + 999 * MIN }, policy)).toBeNull();
  });

  it('formats durations for sentences', () => {
    expect([duration(45_000), duration(12 * MIN), duration(185 * MIN)]).toEqual(['45 s', '12 min', '3 h 05 min']);
  });
});

describeWithReference('detectStall on an Argo status fixture', () => {
  it('a real running workflow (controller steps-failed-retries) is overdue only past its limit plus grace', () => {
    const wf = YAML.parse(
      readReference('argo/status-fixtures', 'controller-testdata__steps-failed-retries.yaml'),
    ) as StallInput['workflow'];
    const started = Date.parse(wf.status!.startedAt!);
    const last = Math.max(
      ...Object.values(wf.status!.nodes!).flatMap((n) =>
        [n.startedAt, n.finishedAt].filter(Boolean).map((t) => Date.parse(t!)),
      ),
    );
    expect(detectStall({ workflow: wf, maxRuntimeSeconds: 3600, now: last + 5 * MIN }, policy)).toBeNull();
    expect(
      detectStall({ workflow: wf, maxRuntimeSeconds: 3600, now: Math.max(started + 71 * MIN, last + 11 * MIN) }, policy)
        ?.kind,
    ).toBe('OVERDUE');
  });
});

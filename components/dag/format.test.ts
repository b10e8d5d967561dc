import { describe, expect, it } from 'vitest';
import { createGraphNode } from '@/lib/domain/workflow/graph-model';
import { describeNodeKind, formatEstimate, formatNodeDuration, formatSeconds } from './format';

describe('formatSeconds', () => {
  it.each([
    [0, '0s'],
    [42, '42s'],
    [185, '3m 05s'],
    [3720, '1h 02m'],
  ])('%i -> %s', (s, text) => expect(formatSeconds(s)).toBe(text));
});

describe('formatNodeDuration', () => {
  it('is null before the node starts', () => {
    expect(formatNodeDuration({ startedAt: null, finishedAt: null })).toBeNull();
  });
  it('measures a finished node', () => {
    expect(formatNodeDuration({ startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:30Z' })).toBe(
      '1m 30s',
    );
  });
  it('runs the clock for a running node', () => {
    expect(
      formatNodeDuration({ startedAt: '2026-01-01T00:00:00Z', finishedAt: null }, Date.parse('2026-01-01T00:00:10Z')),
    ).toBe('10s');
  });
  it('is null for an unreadable date', () => {
    expect(formatNodeDuration({ startedAt: 'yesterday', finishedAt: null })).toBeNull();
  });
});

describe('formatEstimate', () => {
  it('shows progress of a running node against its estimate', () => {
    expect(formatEstimate({ phase: 'Running', estimate: { seconds: 300, fraction: 0.62 } })).toBe('62% of ~5m 00s');
  });
  it('says nothing for other phases', () => {
    expect(formatEstimate({ phase: 'Succeeded', estimate: { seconds: 300, fraction: 1 } })).toBeNull();
  });
});

describe('describeNodeKind', () => {
  it('names retries, exit handlers and run-time fan-outs', () => {
    expect(
      describeNodeKind(createGraphNode({ id: 'a', label: 'a', type: 'Pod', isRetry: true, isExitHandler: true })),
    ).toBe('Pod, retry, exit handler');
    expect(describeNodeKind(createGraphNode({ id: 'a', label: 'a', type: 'Retry', isRetry: true }))).toBe('Retry');
    expect(describeNodeKind(createGraphNode({ id: 'a', label: 'a', type: 'Pod', isDynamicFanOut: true }))).toBe(
      'Pod, fan-out known at run time',
    );
  });
});

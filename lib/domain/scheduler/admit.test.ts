import { describe, expect, it } from 'vitest';
import { decideAdmissions } from './admit';
import type { AdmitDecision, Decision, PreemptDecision, WaitDecision } from './decisions';
import { HOUR, MIN, T0, gpuNode, queuedJob, quota, runningJob, snapshot, team } from './fixtures.test-util';
import { Snapshot } from './schema';

const admits = (ds: Decision[]) => ds.filter((d): d is AdmitDecision => d.type === 'admit');
const waits = (ds: Decision[]) => ds.filter((d): d is WaitDecision => d.type === 'wait');
const preempts = (ds: Decision[]) => ds.filter((d): d is PreemptDecision => d.type === 'preempt');
const waitOf = (ds: Decision[], id: string) => waits(ds).find((d) => d.jobId === id)!;
const admitOf = (ds: Decision[], id: string) => admits(ds).find((d) => d.jobId === id);

describe('decideAdmissions: placement', () => {
  it('admits a job that fits, on one node', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 })],
      quotas: [quota('vision', 8, 0)],
      teams: [team('vision')],
      queued: [queuedJob('j1', 'vision', 4)],
    });
    const ds = decideAdmissions(s);
    expect(admits(ds)).toEqual([
      {
        type: 'admit',
        jobId: 'j1',
        team: 'vision',
        gpuKind: 'a100-80gb',
        placements: [{ node: 'n1', count: 4 }],
        borrowed: 0,
        backfill: false,
      },
    ]);
  });

  it('best-fits onto the fullest node that still holds the job, keeping whole nodes free', () => {
    const s = snapshot({
      nodes: [
        gpuNode('n1', { 'a100-80gb': 8 }),
        gpuNode('n2', { 'a100-80gb': [8, 3] }),
        gpuNode('n3', { 'a100-80gb': [8, 2] }),
      ],
      quotas: [quota('vision', 16, 0)],
      teams: [team('vision')],
      queued: [queuedJob('j1', 'vision', 2)],
    });
    expect(admitOf(decideAdmissions(s), 'j1')!.placements).toEqual([{ node: 'n3', count: 2 }]);
  });

  it('keeps a single-node job on one node and says FRAGMENTED when only the total would fit', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': [8, 4] }), gpuNode('n2', { 'a100-80gb': [8, 4] })],
      quotas: [quota('vision', 16, 0)],
      teams: [team('vision')],
      queued: [queuedJob('j1', 'vision', 8)],
    });
    const w = waitOf(decideAdmissions(s), 'j1');
    expect(w.reason).toBe('FRAGMENTED');
    expect(w.message).toContain('no single node has 8 free');
  });

  it('spreads a multi-node job over the fewest nodes', () => {
    const s = snapshot({
      nodes: [
        gpuNode('n1', { 'a100-80gb': 8 }),
        gpuNode('n2', { 'a100-80gb': 8 }),
        gpuNode('n3', { 'a100-80gb': [8, 3] }),
      ],
      quotas: [quota('vision', 24, 0)],
      teams: [team('vision')],
      queued: [queuedJob('j1', 'vision', 11, { singleNode: false })],
    });
    expect(admitOf(decideAdmissions(s), 'j1')!.placements).toEqual([
      { node: 'n1', count: 8 },
      { node: 'n3', count: 3 },
    ]);
  });

  it('treats MIG profiles and time-sliced shares as their own kinds', () => {
    const s = snapshot({
      nodes: [
        gpuNode('mig1', { 'a100-80gb-mig-1g.10gb': 7, 'a100-80gb-mig-3g.40gb': 2 }),
        gpuNode('ts1', { 'a100-80gb-shared': 16 }),
      ],
      quotas: [
        quota('infer', 4, 0, { gpuKind: 'a100-80gb-mig-1g.10gb' }),
        quota('infer', 2, 0, { gpuKind: 'a100-80gb-shared' }),
      ],
      teams: [team('infer')],
      queued: [
        queuedJob('m', 'infer', 3, { gpu: { kind: 'a100-80gb-mig-1g.10gb', count: 3 } }),
        queuedJob('s', 'infer', 2, { gpu: { kind: 'a100-80gb-shared', count: 2 } }),
        queuedJob('x', 'infer', 1, { gpu: { kind: 'a100-80gb-mig-2g.20gb', count: 1 } }),
      ],
    });
    const ds = decideAdmissions(s);
    expect(admitOf(ds, 'm')!.placements).toEqual([{ node: 'mig1', count: 3 }]);
    expect(admitOf(ds, 's')!.placements).toEqual([{ node: 'ts1', count: 2 }]);
    expect(waitOf(ds, 'x').reason).toBe('NEVER_FITS');
    expect(waitOf(ds, 'x').message).toContain('A100-80GB MIG 2g.20gb');
  });
});

describe('decideAdmissions: never fits', () => {
  const nodes = [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })];
  it.each([
    ['larger than the cluster', queuedJob('j', 'vision', 32, { singleNode: false }), 'whole cluster has 16'],
    ['larger than a node', queuedJob('j', 'vision', 12), 'largest node has 8'],
    ['above the team hard limit', queuedJob('j', 'vision', 12, { singleNode: false }), 'at most 10'],
    ['no quota for the kind', queuedJob('j', 'nlp', 1), 'no quota for A100-80GB'],
  ])('%s', (_name, job, text) => {
    const s = snapshot({ nodes, quotas: [quota('vision', 8, 2)], teams: [team('vision'), team('nlp')], queued: [job] });
    const w = waitOf(decideAdmissions(s), 'j');
    expect(w.reason).toBe('NEVER_FITS');
    expect(w.eta).toBeNull();
    expect(w.message).toContain(text);
  });
});

describe('decideAdmissions: quotas', () => {
  it('says QUOTA_EXHAUSTED at the hard limit, with an ETA from the team’s own jobs ending', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })],
      quotas: [quota('vision', 4, 0)],
      teams: [team('vision')],
      running: [runningJob('r1', 'vision', [['n1', 4]], { expectedEndAt: T0 + 30 * MIN })],
      queued: [queuedJob('j1', 'vision', 2)],
    });
    const w = waitOf(decideAdmissions(s), 'j1');
    expect(w.reason).toBe('QUOTA_EXHAUSTED');
    expect(w.eta).toBe(T0 + 30 * MIN);
    expect(w.message).toContain('uses 4 of its 4 A100-80GB limit');
  });

  it('lends a cohort’s unused guarantee and reports the borrowed count', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })],
      quotas: [quota('vision', 8, 8), quota('nlp', 8, 8)],
      teams: [team('vision'), team('nlp')],
      running: [runningJob('r1', 'vision', [['n1', 6]])],
      queued: [queuedJob('j1', 'vision', 4)],
    });
    expect(admitOf(decideAdmissions(s), 'j1')).toMatchObject({ borrowed: 2, placements: [{ node: 'n2', count: 4 }] });
  });

  it('does not lend across cohorts, and says so in the words of the issue', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })],
      quotas: [quota('vision', 8, 8), quota('nlp', 8, 8)],
      teams: [team('vision', 'cv-dept'), team('nlp', 'lang-dept')],
      running: [runningJob('r1', 'vision', [['n1', 8]])],
      queued: [queuedJob('j1', 'vision', 1)],
    });
    const w = waitOf(decideAdmissions(s), 'j1');
    expect(w.reason).toBe('COHORT_EXHAUSTED');
    expect(w.message).toContain('Team vision uses 8 of 8 guaranteed A100-80GB and its cohort cv-dept has none to lend');
  });

  it('lets every cohort borrow capacity nobody is guaranteed', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })],
      quotas: [quota('vision', 8, 8)],
      teams: [team('vision', 'cv-dept')],
      running: [runningJob('r1', 'vision', [['n1', 8]])],
      queued: [queuedJob('j1', 'vision', 8)],
    });
    expect(admitOf(decideAdmissions(s), 'j1')).toMatchObject({ borrowed: 8 });
  });

  it('stops at the weekly GPU-hour budget', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 })],
      quotas: [quota('vision', 8, 0, { weeklyGpuHours: 100, usedGpuHoursThisWeek: 95 })],
      teams: [team('vision')],
      queued: [queuedJob('j1', 'vision', 8), queuedJob('j2', 'vision', 1, { submittedAt: T0 - 1 })],
    });
    const ds = decideAdmissions(s);
    expect(waitOf(ds, 'j1').reason).toBe('BUDGET_EXHAUSTED');
    expect(waitOf(ds, 'j1').message).toContain('used 95 of its 100 A100-80GB GPU-hours');
    expect(admitOf(ds, 'j2')).toBeDefined();
  });
});

describe('decideAdmissions: order', () => {
  const nodes = [gpuNode('n1', { 'a100-80gb': 8 })];
  const teams = [team('vision'), team('nlp')];
  const quotas = [quota('vision', 8, 0), quota('nlp', 8, 0)];

  it('puts priority classes first', () => {
    const s = snapshot({
      nodes,
      teams,
      quotas,
      queued: [
        queuedJob('low', 'vision', 8, { priority: 'low', submittedAt: T0 - HOUR }),
        queuedJob('crit', 'nlp', 8, { priority: 'critical' }),
      ],
    });
    const ds = decideAdmissions(s);
    expect(admitOf(ds, 'crit')).toBeDefined();
    expect(waitOf(ds, 'low')).toMatchObject({ reason: 'CAPACITY', overallPosition: 1, teamPosition: 1 });
  });

  it('orders teams within a class by weighted dominant share, including decayed history', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 4 })],
      teams,
      quotas: [quota('vision', 0, 4), quota('nlp', 0, 4)],
      usage: [{ team: 'vision', gpuKind: 'a100-80gb', gpuHours: 500, asOf: T0 - HOUR }],
      queued: [
        queuedJob('v1', 'vision', 4, { submittedAt: T0 - HOUR }),
        queuedJob('n1', 'nlp', 4),
        queuedJob('v2', 'vision', 4, { submittedAt: T0 - HOUR + 1 }),
        queuedJob('n2', 'nlp', 4, { submittedAt: T0 - MIN + 1 }),
      ],
    });
    const ds = decideAdmissions(s);
    expect(admitOf(ds, 'n1')).toBeDefined();
    expect(waits(ds).map((w) => [w.jobId, w.overallPosition, w.teamPosition])).toEqual([
      ['v1', 1, 1],
      ['n2', 2, 1],
      ['v2', 3, 2],
    ]);
  });

  it('ages waiting jobs so a low job eventually outranks new high ones', () => {
    const s = snapshot({
      nodes,
      teams,
      quotas,
      queued: [
        queuedJob('old-low', 'vision', 8, { priority: 'low', submittedAt: T0 - 13 * HOUR }),
        queuedJob('new-high', 'nlp', 8, { priority: 'high' }),
      ],
    });
    expect(admitOf(decideAdmissions(s), 'old-low')).toBeDefined();
    expect(admitOf(decideAdmissions(s, { agingSeconds: null }), 'new-high')).toBeDefined();
  });
});

describe('decideAdmissions: EASY backfill', () => {
  // n1 busy until +1h with 6 of 8; the head needs 8 on one node, so it is reserved n1 at +1h.
  const base = {
    nodes: [gpuNode('n1', { 'a100-80gb': 8 })],
    teams: [team('vision'), team('nlp')],
    quotas: [quota('vision', 8, 0), quota('nlp', 8, 0)],
    running: [runningJob('r1', 'nlp', [['n1', 6]], { expectedEndAt: T0 + HOUR })],
  };

  it('backfills a short job that ends before the head’s reserved start', () => {
    const s = snapshot({
      ...base,
      queued: [
        queuedJob('head', 'vision', 8, { priority: 'high' }),
        queuedJob('short', 'vision', 2, { maxRuntimeSeconds: 1800 }),
      ],
    });
    const ds = decideAdmissions(s);
    expect(waitOf(ds, 'head')).toMatchObject({
      reason: 'CAPACITY',
      eta: T0 + HOUR,
      reservation: { startAt: T0 + HOUR },
    });
    expect(admitOf(ds, 'short')).toMatchObject({ backfill: true });
  });

  it('holds GPUs for the head against a job that would outlive its start', () => {
    const s = snapshot({
      ...base,
      queued: [
        queuedJob('head', 'vision', 8, { priority: 'high' }),
        queuedJob('long', 'nlp', 2, { maxRuntimeSeconds: 4 * 3600 }),
      ],
    });
    const w = waitOf(decideAdmissions(s), 'long');
    expect(w.reason).toBe('PRIORITY');
    expect(w.message).toContain('held for a high-priority job (head, team vision)');
  });

  it('lets a long job use GPUs the head will not need', () => {
    const s = snapshot({
      ...base,
      nodes: [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 4 })],
      quotas: [quota('vision', 8, 0), quota('nlp', 12, 0)],
      queued: [queuedJob('head', 'vision', 8, { priority: 'high' }), queuedJob('long', 'nlp', 4)],
    });
    expect(admitOf(decideAdmissions(s), 'long')).toMatchObject({
      placements: [{ node: 'n2', count: 4 }],
      backfill: true,
    });
  });
});

describe('decideAdmissions: reclaiming guarantees', () => {
  const nodes = [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })];
  const teams = [team('vision'), team('nlp')];
  const quotas = [quota('vision', 8, 8), quota('nlp', 8, 8)];

  it('preempts borrowers, lowest priority and most recently started first, with a grace period', () => {
    const s = snapshot({
      nodes,
      teams,
      quotas,
      running: [
        runningJob('nlp-own', 'nlp', [['n1', 8]], { priority: 'high', startedAt: T0 - 3 * HOUR }),
        runningJob('nlp-old', 'nlp', [['n2', 4]], { priority: 'low', startedAt: T0 - 2 * HOUR }),
        runningJob('nlp-new', 'nlp', [['n2', 4]], { priority: 'low', startedAt: T0 - HOUR }),
      ],
      queued: [queuedJob('v', 'vision', 4)],
    });
    const ds = decideAdmissions(s, { graceSeconds: 300 });
    expect(preempts(ds)).toHaveLength(1);
    expect(preempts(ds)[0]).toMatchObject({
      jobId: 'nlp-new',
      forJobId: 'v',
      forTeam: 'vision',
      graceDeadline: T0 + 300_000,
    });
    expect(preempts(ds)[0].message).toContain('Team vision needs 4 A100-80GB GPUs of its guarantee back');
    expect(preempts(ds)[0].message).toContain('team nlp was borrowing them (using 16 of 8 guaranteed)');
    expect(waitOf(ds, 'v')).toMatchObject({ reason: 'RECLAIMING', eta: T0 + 300_000 });
  });

  it('does not preempt again while the victim is in its grace period, and admits once it is gone', () => {
    const stopping = runningJob('nlp-new', 'nlp', [['n2', 8]], {
      priority: 'low',
      preemption: { graceDeadline: T0 + 2 * MIN, forJobId: 'v' },
    });
    const s = snapshot({
      nodes,
      teams,
      quotas,
      running: [runningJob('nlp-own', 'nlp', [['n1', 8]]), stopping],
      queued: [queuedJob('v', 'vision', 8)],
    });
    const ds = decideAdmissions(s);
    expect(preempts(ds)).toHaveLength(0);
    expect(waitOf(ds, 'v')).toMatchObject({ reason: 'RECLAIMING', eta: T0 + 2 * MIN });
    const after = snapshot({
      nodes,
      teams,
      quotas,
      running: [runningJob('nlp-own', 'nlp', [['n1', 8]])],
      queued: [queuedJob('v', 'vision', 8)],
    });
    expect(admitOf(decideAdmissions(after), 'v')).toBeDefined();
  });

  it('never preempts a team running within its guarantee', () => {
    const s = snapshot({
      nodes,
      teams,
      quotas: [quota('vision', 8, 8), quota('nlp', 16, 0)],
      running: [runningJob('a', 'nlp', [['n1', 8]]), runningJob('b', 'nlp', [['n2', 8]])],
      queued: [queuedJob('v', 'vision', 8)],
    });
    const ds = decideAdmissions(s);
    expect(preempts(ds)).toHaveLength(0);
    expect(waitOf(ds, 'v').reason).toBe('CAPACITY');
  });

  it('lets a higher-priority job stop its own team’s lower-priority job within the guarantee', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 })],
      teams,
      quotas: [quota('vision', 8, 0)],
      running: [runningJob('low', 'vision', [['n1', 8]], { priority: 'low' })],
      queued: [queuedJob('crit', 'vision', 8, { priority: 'critical' })],
    });
    const ds = decideAdmissions(s);
    expect(preempts(ds).map((p) => p.jobId)).toEqual(['low']);
    expect(preempts(ds)[0].message).toContain('critical-priority job of team vision');
    expect(preempts(decideAdmissions(s, { preemptLowerPriorityInTeam: false }))).toHaveLength(0);
  });
});

describe('decideAdmissions: ETA and determinism', () => {
  it('simulates forward through the queue: the second job starts when the first one ends', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 })],
      teams: [team('vision')],
      quotas: [quota('vision', 8, 0)],
      running: [runningJob('r', 'vision', [['n1', 8]], { expectedEndAt: T0 + HOUR })],
      queued: [
        queuedJob('a', 'vision', 8, { submittedAt: T0 - 2 * MIN, expectedRuntimeSeconds: 1800 }),
        queuedJob('b', 'vision', 8),
      ],
    });
    const ds = decideAdmissions(s);
    expect(waitOf(ds, 'a').eta).toBe(T0 + HOUR);
    expect(waitOf(ds, 'b').eta).toBe(T0 + HOUR + 30 * MIN);
    expect(waitOf(ds, 'b').message).toContain('Expected to start around 2025-01-06 10:30 UTC');
  });

  it('gives the same answer for the same snapshot in any input order', () => {
    const s = snapshot({
      nodes: [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })],
      teams: [team('vision'), team('nlp')],
      quotas: [quota('vision', 8, 4), quota('nlp', 8, 4)],
      queued: ['a', 'b', 'c', 'd', 'e'].map((id, i) =>
        queuedJob(id, i % 2 ? 'nlp' : 'vision', 3 + i, { submittedAt: T0 - i * MIN }),
      ),
    });
    const reversed = { ...s, queued: [...s.queued].reverse(), nodes: [...s.nodes].reverse() };
    expect(decideAdmissions(reversed)).toEqual(decideAdmissions(s));
  });

  it('accepts a snapshot validated by its schema', () => {
    const parsed = Snapshot.parse({
      now: T0,
      queued: [queuedJob('j', 'vision', 1)],
      running: [],
      nodes: [gpuNode('n1', { 'a100-80gb': 8 })],
      quotas: [{ team: 'vision', gpuKind: 'a100-80gb', guaranteed: 1, borrowingLimit: 0 }],
      teams: [{ name: 'vision', cohort: 'cv' }],
    });
    expect(admits(decideAdmissions(parsed))).toHaveLength(1);
    expect(() => Snapshot.parse({ ...parsed, nodes: [gpuNode('n1', { 'A100 80GB': 8 })] })).toThrow(/GPU kind/);
  });
});

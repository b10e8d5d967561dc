import { describe, expect, it } from 'vitest';
import { explainFit } from './explain';
import { HOUR, T0, gpuNode, queuedJob, quota, runningJob, snapshot, team } from './fixtures.test-util';

const base = snapshot({
  nodes: [gpuNode('n1', { 'a100-80gb': 8 }), gpuNode('n2', { 'a100-80gb': 8 })],
  teams: [team('vision'), team('nlp')],
  quotas: [quota('vision', 8, 0), quota('nlp', 8, 8)],
  running: [runningJob('r1', 'vision', [['n1', 8]], { expectedEndAt: T0 + HOUR })],
});

describe('explainFit (dryRun)', () => {
  it('says where a job would start now', () => {
    const fit = explainFit(base, queuedJob('new', 'nlp', 4, { submittedAt: T0 }));
    expect(fit).toMatchObject({ fits: true, startsNow: true, placements: [{ node: 'n2', count: 4 }], eta: T0 });
    expect(fit.message).toContain('It would start now on n2 (4)');
  });

  it('says when a job that fits the quota would start, from running jobs’ expected ends', () => {
    const fit = explainFit(base, queuedJob('new', 'vision', 8, { submittedAt: T0 }));
    expect(fit).toMatchObject({
      fits: true,
      startsNow: false,
      reason: 'QUOTA_EXHAUSTED',
      eta: T0 + HOUR,
      teamPosition: 1,
    });
  });

  it('says a job can never run under the team quota', () => {
    const fit = explainFit(base, queuedJob('new', 'vision', 12, { submittedAt: T0, singleNode: false }));
    expect(fit).toMatchObject({ fits: false, reason: 'NEVER_FITS', eta: null });
    expect(fit.message).toContain('team vision may hold at most 8');
  });

  it('names the borrowers a job within its guarantee would stop', () => {
    const s = snapshot({
      ...base,
      running: [
        runningJob('b1', 'nlp', [['n1', 8]], { borrowed: 8 }),
        runningJob('b2', 'nlp', [['n2', 8]], { borrowed: 0, startedAt: T0 - 10 * 60_000 }),
      ],
    });
    const fit = explainFit(s, queuedJob('new', 'vision', 8, { submittedAt: T0 }));
    expect(fit).toMatchObject({ fits: true, reason: 'RECLAIMING', wouldPreempt: ['b2'] });
  });
});

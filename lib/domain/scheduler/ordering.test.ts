// The fast paths behind a pass (packed-key sorts, cached sentences' instants, the placement scan)
// must agree exactly with the plain definitions they replace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAdmissions } from './admit';
import { buildBenchSnapshot, buildSteadySnapshot } from '@/bench/scheduler-snapshots';
import { bestFit, placeJob } from './capacity';
import { formatInstant } from './gpu-kind';
import type { Ranked } from './order';
import { cmp, inLaneOrder } from './order';
import type { QueuedJob, RunningJob } from './schema';
import type { RunningView } from './victims';
import { compareVictims, sortVictims } from './victims';

const T0 = Date.UTC(2025, 0, 6, 9);
// Few distinct values, so equal keys (and equal ids) are common.
const instant = fc.oneof(fc.integer({ min: T0 - 5, max: T0 + 5 }), fc.constantFrom(T0 + 0.5, 0, 2 ** 52));

describe('job id order', () => {
  it('puts counting ids in number order, so same-instant submissions keep their order', () => {
    expect(['10', '8', '9', '100', '11'].sort(cmp)).toEqual(['8', '9', '10', '11', '100']);
    const items: Ranked[] = ['10', '8', '9'].map((id) => ({ rank: 0, job: { id, submittedAt: T0 } as QueuedJob }));
    expect([...inLaneOrder(items)].map((i) => items[i].job.id)).toEqual(['8', '9', '10']);
  });
});

describe('packed-key sorts', () => {
  it('inLaneOrder is the stable order by class, submission time and id', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rank: fc.nat(3), at: instant, id: fc.constantFrom('a', 'b', 'c', 'aa') }), {
          maxLength: 40,
        }),
        (xs) => {
          const items: Ranked[] = xs.map((x) => ({ rank: x.rank, job: { id: x.id, submittedAt: x.at } as QueuedJob }));
          const expected = items
            .map((_, i) => i)
            .sort(
              (a, b) =>
                items[b].rank - items[a].rank ||
                items[a].job.submittedAt - items[b].job.submittedAt ||
                cmp(items[a].job.id, items[b].job.id),
            );
          expect([...inLaneOrder(items)]).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sortVictims is the stable sort by compareVictims', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rank: fc.nat(3), at: instant, id: fc.constantFrom('r1', 'r2', 'r10') }), {
          maxLength: 40,
        }),
        (xs) => {
          const views = xs.map(
            (x, i) =>
              ({ rank: x.rank, count: i, job: { id: x.id, startedAt: x.at } as RunningJob }) as unknown as RunningView,
          );
          const expected = views.slice().sort(compareVictims);
          const got = views.slice();
          sortVictims(got);
          expect(got).toEqual(expected);
          got.forEach((v, i) => expect(v).toBe(expected[i]));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('small helpers', () => {
  it('formatInstant (cached by minute) renders like the plain formula', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -1e12, max: 4e12 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
        (ms) => {
          const plain = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
          expect(formatInstant(ms)).toBe(plain);
          expect(formatInstant(ms)).toBe(plain);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('bestFit picks the first node with the least room that still holds the job', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(8), { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), (avail, count) => {
        let best = -1;
        avail.forEach((a, i) => {
          if (a >= count && (best < 0 || a < avail[best])) best = i;
        });
        expect(bestFit(avail, count)).toBe(best);
        const single = placeJob(avail, count, true);
        expect(single ? [...single.keys()][0] : -1).toBe(best);
      }),
    );
  });
});

describe('a pass leaves no state behind', () => {
  it('gives the same decisions when run twice on one snapshot', () => {
    for (const s of [buildBenchSnapshot(1_000, 1_000, 3), buildSteadySnapshot(1_000, 1_000, 4)]) {
      expect(decideAdmissions(s)).toEqual(decideAdmissions(s));
    }
  });

  it('gives every waiting job a sentence, and an ETA no earlier than now unless it can never start or is out of budget', () => {
    const s = buildSteadySnapshot(2_000, 1_000, 5);
    const waits = decideAdmissions(s).filter((d) => d.type === 'wait');
    expect(waits.length).toBeGreaterThan(1_000);
    for (const w of waits) {
      if (w.reason === 'NEVER_FITS' || w.reason === 'BUDGET_EXHAUSTED') expect(w.eta).toBeNull();
      if (w.eta !== null) expect(w.eta).toBeGreaterThanOrEqual(s.now);
      expect(w.message.length).toBeGreaterThan(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { findEarliestStart, placeJob, releaseOf } from './capacity';
import { accrueUsage, decayUsage } from './fair-share';
import { describeKind, formatGpus } from './gpu-kind';

describe('placeJob', () => {
  it('best-fits a job on the node with the least room that still holds it', () => {
    expect([...placeJob([8, 3, 5, 2], 3, true)!]).toEqual([[1, 3]]);
  });
  it('refuses a single-node job that only fits across nodes', () => {
    expect(placeJob([4, 4], 6, true)).toBeNull();
  });
  it('spreads a multi-node job over the widest nodes, then best-fits the rest', () => {
    expect([...placeJob([8, 3, 8, 5], 13, false)!].sort()).toEqual([
      [0, 8],
      [3, 5],
    ]);
  });
  it('never places more than is free', () => {
    expect(placeJob([1, 1, 1], 4, false)).toBeNull();
  });
});

describe('findEarliestStart', () => {
  it('walks releases in time order until the job fits', () => {
    const releases = [releaseOf(300, new Map([[0, 2]])), releaseOf(100, new Map([[1, 4]]))];
    expect(findEarliestStart([2, 2], releases, 6, true, 0)).toMatchObject({ startAt: 100, freeAt: [2, 6] });
    expect(findEarliestStart([2, 2], releases, 11, false, 0)).toBeNull();
  });
});

describe('usage decay', () => {
  it('halves usage every half-life', () => {
    expect(decayUsage(100, 0, 7 * 24 * 3600_000, 7 * 24 * 3600)).toBeCloseTo(50);
  });
  it('accrues the same in one step or many', () => {
    const rec = { team: 't', gpuKind: 'a100-80gb', gpuHours: 10, asOf: 0 };
    const once = accrueUsage(rec, 8, 0, 10 * 3600_000, 3600);
    let many = rec;
    for (let h = 0; h < 10; h++) many = accrueUsage(many, 8, h * 3600_000, (h + 1) * 3600_000, 3600);
    expect(many.gpuHours).toBeCloseTo(once.gpuHours, 6);
    // Held forever, 8 GPUs converge to 8 x mean life (half-life / ln 2) GPU-hours.
    expect(accrueUsage(rec, 8, 0, 1000 * 3600_000, 3600).gpuHours).toBeCloseTo(8 / Math.LN2, 3);
  });
});

describe('GPU kind words', () => {
  it.each([
    ['a100-80gb', 'A100-80GB', '2 A100-80GB GPUs'],
    ['a100-80gb-mig-1g.10gb', 'A100-80GB MIG 1g.10gb', '2 A100-80GB MIG 1g.10gb slices'],
    ['a100-80gb-shared', 'shared A100-80GB', '2 shared A100-80GB shares'],
  ])('%s', (kind, name, two) => {
    expect(describeKind(kind).name).toBe(name);
    expect(formatGpus(2, kind)).toBe(two);
  });
});

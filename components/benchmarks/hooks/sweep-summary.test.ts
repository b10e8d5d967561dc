import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP } from '@/lib/domain/benchmarks/matrix';
import { summarizeSweep } from './sweep-summary';

describe('summarizeSweep (what the preview worker answers)', () => {
  it('counts the default sweep', () => {
    const state = summarizeSweep(DEFAULT_SWEEP);
    if (state.status !== 'ready') throw new Error(`expected ready, got ${state.status}`);
    expect(state.summary).toMatchObject({ totalCombinations: 34_560, valid: 20_254, excluded: 14_306 });
    expect(state.summary.exclusionGroups[0].count).toBeGreaterThan(0);
  });

  it('names the empty factor, and explains an invalid definition', () => {
    expect(summarizeSweep({ ...DEFAULT_SWEEP, engines: [] })).toEqual({
      status: 'invalid',
      message: 'Choose at least one value for every factor (engines is empty)',
    });
    expect(summarizeSweep({ ...DEFAULT_SWEEP, models: ['no-such-model'] })).toMatchObject({
      status: 'invalid',
      message: expect.stringContaining('model catalogue'),
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY as policy, planRestart } from './restart-policy';

/** The plans for crashes in a row, each after the given uptime. */
function sequence(uptimes: number[]) {
  let crashes = 0;
  return uptimes.map((uptime) => {
    const plan = planRestart(crashes, uptime, policy);
    crashes = plan.crashes;
    return plan;
  });
}

describe('planRestart', () => {
  it('restarts after half a second, doubling while it keeps crashing fast', () => {
    expect(sequence([1_000, 1_000, 1_000, 1_000]).map((p) => p.delayMs)).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('counts a child that ran a minute as healthy: its crash starts over', () => {
    const plans = sequence([1_000, 1_000, 1_000, 60_000]);
    expect(plans[3]).toEqual({ crashes: 1, delayMs: 500, crashLoop: false });
  });

  it('calls the fifth fast crash in a row a crash loop and retries at the longest delay from then on', () => {
    const plans = sequence(Array(8).fill(2_000));
    expect(plans.slice(0, 4).every((p) => !p.crashLoop)).toBe(true);
    expect(plans.slice(4)).toEqual([5, 6, 7, 8].map((crashes) => ({ crashes, delayMs: 30_000, crashLoop: true })));
  });

  it('leaves a crash loop after one healthy run', () => {
    const plans = sequence([...Array(6).fill(100), 120_000]);
    expect(plans[6]).toEqual({ crashes: 1, delayMs: 500, crashLoop: false });
  });

  it('never waits longer than the maximum nor less than the initial delay, and never gives up', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(200_000), { minLength: 1, maxLength: 200 }), (uptimes) => {
        for (const plan of sequence(uptimes)) {
          expect(plan.delayMs).toBeGreaterThanOrEqual(policy.initialDelayMs);
          expect(plan.delayMs).toBeLessThanOrEqual(policy.maxDelayMs);
          expect(Number.isFinite(plan.delayMs)).toBe(true);
        }
      }),
    );
  });

  it('never waits less after a fast crash than after the one before it', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(policy.healthyAfterMs - 1), { minLength: 2, maxLength: 60 }), (uptimes) => {
        const delays = sequence(uptimes).map((p) => p.delayMs);
        for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
      }),
    );
  });
});

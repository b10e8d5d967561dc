import { describe, expect, it } from 'vitest';
import { lockKey, nextDelay } from './loop';

describe('loop timing', () => {
  it('jitters around the interval within the given fraction', () => {
    expect(nextDelay({ intervalMs: 1000, jitter: 0.2 }, 0, () => 0)).toBe(800);
    expect(nextDelay({ intervalMs: 1000, jitter: 0.2 }, 0, () => 1)).toBe(1200);
    expect(nextDelay({ intervalMs: 1000, jitter: 0 }, 0, Math.random)).toBe(1000);
  });

  it('backs off exponentially after failures, capped at five minutes', () => {
    const d = (f: number) => nextDelay({ intervalMs: 1000, jitter: 0 }, f);
    expect([d(1), d(2), d(3)]).toEqual([2000, 4000, 8000]);
    expect(d(50)).toBe(64_000);
    expect(nextDelay({ intervalMs: 60_000, jitter: 0 }, 10)).toBe(300_000);
  });

  it('waits longer after a slow run when the loop caps its duty cycle', () => {
    const spec = { intervalMs: 1000, jitter: 0, maxDutyCycle: 0.25 };
    expect(nextDelay(spec, 0, Math.random, 100)).toBe(1000); // fast runs keep the interval
    expect(nextDelay(spec, 0, Math.random, 2000)).toBe(6000); // 2 s in 8 s: a quarter
    expect(nextDelay({ intervalMs: 1000, jitter: 0 }, 0, Math.random, 2000)).toBe(1000); // no cap: as before
  });

  it('derives a stable, distinct lock key per loop', () => {
    expect(lockKey('scheduler')).toBe(lockKey('scheduler'));
    expect(lockKey('scheduler')).not.toBe(lockKey('workflow-sync'));
  });
});

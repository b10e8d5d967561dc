import { describe, expect, it } from 'vitest';
import { BURST_GROWTH, EVERY_MS, ExplainPacer, MAX_BURST_DEFER_MS } from './explain-pacer';

/** Runs one pass through the pacer: explains if due, takes `ms`, leaves `waiting` jobs waiting. */
function pass(p: ExplainPacer, at: number, waiting: number, ms = 100): boolean {
  const explained = p.due(at);
  p.passed({ startedAt: at, endedAt: at + ms, explained, waiting });
  return explained;
}

describe('ExplainPacer', () => {
  it('explains the first pass, then at most every EVERY_MS', () => {
    const p = new ExplainPacer();
    expect(pass(p, 0, 50)).toBe(true);
    expect(pass(p, 1_000, 50)).toBe(false);
    expect(pass(p, EVERY_MS + 100, 50)).toBe(true);
  });

  it('spends at most a tenth of the time explaining', () => {
    const p = new ExplainPacer();
    expect(pass(p, 0, 20_000, 2_000)).toBe(true); // took 2 s: the next waits 20 s
    expect(pass(p, 10_000, 20_000)).toBe(false);
    expect(pass(p, 22_001, 20_000)).toBe(true);
  });

  it('waits while a burst of submissions grows the queue, for at most MAX_BURST_DEFER_MS', () => {
    const p = new ExplainPacer();
    expect(pass(p, 0, 100)).toBe(true);
    let waiting = 100;
    let t = 1_000;
    let explainedAt: number | null = null;
    for (; t <= MAX_BURST_DEFER_MS + 5_000 && explainedAt === null; t += 1_000) {
      waiting += BURST_GROWTH + 800; // 1,000 new jobs a second
      if (pass(p, t, waiting)) explainedAt = t;
    }
    expect(explainedAt).toBeGreaterThanOrEqual(MAX_BURST_DEFER_MS);
    expect(explainedAt).toBeLessThanOrEqual(MAX_BURST_DEFER_MS + 1_100);
  });

  it('explains again as soon as the burst is over', () => {
    const p = new ExplainPacer();
    pass(p, 0, 100);
    expect(pass(p, 1_000, 3_100)).toBe(false); // not due yet; 3,000 new jobs in this second
    expect(pass(p, 6_000, 5_100)).toBe(false); // due, but the queue was growing fast
    expect(pass(p, 7_000, 5_100)).toBe(false); // the growth seen (2,000) was still the burst's
    expect(pass(p, 8_000, 5_100)).toBe(true); // no growth in the last pass: explain
  });
});

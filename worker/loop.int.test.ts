import { describe, expect, it, inject } from 'vitest';
import { createDb } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { startLoops, type LoopSpec } from './loop';

describe('worker loops against PostgreSQL', () => {
  it('never runs an exclusive loop in two replicas at once, and survives a failing loop', async () => {
    const a = createDb(inject('databaseUrl'), { max: 3 });
    const b = createDb(inject('databaseUrl'), { max: 3 });
    let running = 0;
    let maxConcurrent = 0;
    let runs = 0;
    let failingRuns = 0;
    const exclusive: LoopSpec = {
      name: `test-exclusive-${Date.now()}`,
      intervalMs: 1,
      jitter: 0,
      exclusive: true,
      async run() {
        running += 1;
        maxConcurrent = Math.max(maxConcurrent, running);
        await new Promise((r) => setTimeout(r, 15));
        running -= 1;
        runs += 1;
      },
    };
    const failing: LoopSpec = {
      name: `test-failing-${Date.now()}`,
      intervalMs: 1,
      jitter: 0,
      async run() {
        failingRuns += 1;
        throw new Error('boom');
      },
    };
    const log = logger();
    const r1 = startLoops([exclusive, failing], { ...a, log, holder: 'replica-1' });
    const r2 = startLoops([exclusive], { ...b, log, holder: 'replica-2' });
    const deadline = Date.now() + 10_000;
    while ((runs < 20 || failingRuns < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([r1.stop(), r2.stop()]);
    await Promise.all([a.close(), b.close()]);
    expect(runs).toBeGreaterThanOrEqual(20);
    expect(failingRuns).toBeGreaterThanOrEqual(3);
    expect(maxConcurrent).toBe(1);
  });
});

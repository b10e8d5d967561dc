import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.test-util';
import { loopRunFinished, loopRunStarted, trackLoop, workerLiveness } from './loops';
import { metrics } from './registry';

const scrape = async () => parseExposition(await metrics().registry.metrics());

describe('worker loop metrics and liveness', () => {
  it('counts runs by result, times them and keeps the last success', async () => {
    const t0 = 1_700_000_000_000;
    trackLoop({ name: 'counted', intervalMs: 1_000 }, t0);
    loopRunStarted('counted');
    loopRunFinished('counted', 'ok', 0.2, t0 + 1_000);
    loopRunFinished('counted', 'error', 0.1, t0 + 2_000);
    loopRunFinished('counted', 'skipped', 0, t0 + 3_000);
    const m = await scrape();
    expect(m.value('gantry_worker_loop_runs_total', { loop: 'counted', result: 'ok' })).toBe(1);
    expect(m.value('gantry_worker_loop_runs_total', { loop: 'counted', result: 'error' })).toBe(1);
    expect(m.value('gantry_worker_loop_runs_total', { loop: 'counted', result: 'skipped' })).toBe(1);
    // skipped runs did no work: not timed
    expect(m.count('gantry_worker_loop_duration_seconds', { loop: 'counted' })).toBe(2);
    expect(m.value('gantry_worker_loop_last_success_timestamp_seconds', { loop: 'counted' })).toBe((t0 + 1_000) / 1000);
  });

  it('is alive until a loop goes 3 intervals + 60 s without completing a run; failed runs count as completed', () => {
    const t0 = 1_800_000_000_000;
    trackLoop({ name: 'scheduler-like', intervalMs: 1_000 }, t0);
    trackLoop({ name: 'late-start', intervalMs: 60_000, startAfterMs: 60_000 }, t0);
    // (other tests' loops share the process's state: only these two are looked at)
    const names = (now: number) => workerLiveness(now).stalled.map((s) => s.loop);
    expect(names(t0 + 63_000)).not.toContain('scheduler-like');
    const stalled = workerLiveness(t0 + 63_001);
    expect(stalled.alive).toBe(false);
    expect(stalled.stalled.map((s) => s.loop)).toContain('scheduler-like');
    expect(stalled.stalled.map((s) => s.loop)).not.toContain('late-start');
    loopRunFinished('scheduler-like', 'error', 0.01, t0 + 63_500);
    expect(workerLiveness(t0 + 64_000).stalled.map((s) => s.loop)).not.toContain('scheduler-like');
    // the late starter's deadline counts from when its first run was due
    expect(workerLiveness(t0 + 60_000 + 240_001).stalled.map((s) => s.loop)).toContain('late-start');
  });

  it('a long-lived loop is alive while its run is in progress, and reports success as now', async () => {
    const t0 = 1_900_000_000_000;
    trackLoop({ name: 'follower-like', intervalMs: 5_000, longLived: true }, t0);
    loopRunStarted('follower-like');
    expect(workerLiveness(t0 + 3_600_000).stalled.map((s) => s.loop)).not.toContain('follower-like');
    const before = Date.now() / 1000;
    const seen = (await scrape()).value('gantry_worker_loop_last_success_timestamp_seconds', { loop: 'follower-like' });
    expect(seen).toBeGreaterThanOrEqual(before);
    // its run ended (the lock went elsewhere): judged like any loop from then on
    loopRunFinished('follower-like', 'error', 10, t0 + 10_000);
    expect(workerLiveness(t0 + 10_000 + 75_001).stalled.map((s) => s.loop)).toContain('follower-like');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseExposition } from './exposition.test-util';
import { metrics } from './registry';
import { markWorkflowsSynced, trackWorkflowFollower, untrackWorkflowFollower } from './workflow-sync';

const lag = async () => parseExposition(await metrics().registry.metrics()).value('gantry_workflow_sync_lag_seconds');

afterEach(() => {
  vi.useRealTimers();
});

describe('gantry_workflow_sync_lag_seconds', () => {
  it('is 0 while the follower is caught up, and counts from its last caught-up moment or reconcile pass', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    let caughtUp = true;
    const follower = { caughtUp: () => caughtUp };
    trackWorkflowFollower(follower);
    expect(await lag()).toBe(0);
    vi.advanceTimersByTime(10_000);
    caughtUp = false;
    // checked every second: it fell behind at most a second after the last check that saw it caught up
    vi.advanceTimersByTime(30_000);
    expect(await lag()).toBe(30);
    // a reconcile pass that listed 5 s ago is the newest known state
    markWorkflowsSynced(Date.now() - 5_000);
    expect(await lag()).toBe(5);
    caughtUp = true;
    expect(await lag()).toBe(0);
    // no follower here (another replica holds it): no series
    untrackWorkflowFollower(follower);
    expect(await lag()).toBeUndefined();
  });
});

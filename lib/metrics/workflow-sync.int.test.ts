// gantry_workflow_sync_lag_seconds with the real workflow follower watching the simulated cluster
// over HTTP: 0 once its watch is open and nothing waits, and no series once it stopped following.
import { describe, expect, it, vi } from 'vitest';
import { logger } from '@/lib/log';
import { WorkflowFollower } from '@/lib/server/workflows/workflow-follower';
import { systemActor, testDb } from '@/tests/db';
import { useSimCluster } from '@/tests/sim';
import { parseExposition } from './exposition.test-util';
import { metrics } from './registry';
import { trackWorkflowFollower, untrackWorkflowFollower } from './workflow-sync';

useSimCluster({ seed: 14, speed: 100 });

const lag = async () => parseExposition(await metrics().registry.metrics()).value('gantry_workflow_sync_lag_seconds');

describe('workflow sync lag with the real follower', () => {
  it('is 0 while the follower watches with nothing waiting, absent once it stopped', async () => {
    const follower = new WorkflowFollower({ db: testDb().db, actor: systemActor(), log: logger() });
    trackWorkflowFollower(follower);
    const running = follower.start();
    try {
      await vi.waitFor(() => expect(follower.caughtUp()).toBe(true), { timeout: 20_000, interval: 25 });
      expect(await lag()).toBe(0);
    } finally {
      await follower.stop();
      await running;
    }
    // stopped: its watch is closed, so it no longer counts as caught up
    expect(follower.caughtUp()).toBe(false);
    untrackWorkflowFollower(follower);
    expect(await lag()).toBeUndefined();
  });
});

// When the launcher starts a crashed child again (scripts/lib/supervise.ts). Pure, so it is
// unit-tested: the delay doubles with each crash in a row, a child that stayed up long enough counts
// as healthy (its next crash starts over), and a crash loop keeps retrying at the longest delay
// instead of giving up: a worker that crashes on a bad row, or a web server whose database is
// briefly gone, comes back by itself once the cause is fixed.

export interface RestartPolicy {
  /** Wait before the first restart after a healthy run. */
  initialDelayMs: number;
  /** The longest wait; also the wait in a crash loop. */
  maxDelayMs: number;
  /** A child that ran at least this long was healthy: its crash counts as the first in a row. */
  healthyAfterMs: number;
  /** This many crashes in a row, each within healthyAfterMs of its start, make a crash loop. */
  crashLoopAfter: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  crashLoopAfter: 5,
};

export interface RestartPlan {
  /** Crashes in a row, this one included. */
  crashes: number;
  delayMs: number;
  crashLoop: boolean;
}

/** The plan after a child exited unexpectedly, given the crashes in a row before it and its uptime. */
export function planRestart(
  previousCrashes: number,
  uptimeMs: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartPlan {
  const crashes = uptimeMs >= policy.healthyAfterMs ? 1 : previousCrashes + 1;
  const crashLoop = crashes >= policy.crashLoopAfter;
  const doubled = policy.initialDelayMs * 2 ** Math.min(crashes - 1, 30);
  return { crashes, delayMs: crashLoop ? policy.maxDelayMs : Math.min(policy.maxDelayMs, doubled), crashLoop };
}

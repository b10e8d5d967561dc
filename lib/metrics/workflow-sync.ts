// gantry_workflow_sync_lag_seconds: how far Gantry's view of the Workflows may be behind the
// cluster. 0 while the follower's watch is open and every event it received is handled; otherwise
// the time since Gantry last knew every change: since the follower was last caught up, or since the
// list behind the last completed reconcile pass, whichever is later.
import { metrics } from './registry';

interface SyncState {
  follower: { caughtUp(): boolean } | null;
  timer?: NodeJS.Timeout;
  /** When Gantry last knew every change (epoch ms). */
  syncedAt: number;
}

const holder = globalThis as unknown as { [key: symbol]: SyncState | undefined };
const KEY = Symbol.for('gantry.metrics.workflow-sync');

function state(): SyncState {
  let s = holder[KEY];
  if (!s) {
    s = { follower: null, syncedAt: Date.now() };
    holder[KEY] = s;
    const sync = s;
    metrics().sources.workflowSyncLag = () => workflowSyncLagSeconds(sync, Date.now());
  }
  return s;
}

/** null while this process follows no Workflows (another replica holds the follower's lock). */
function workflowSyncLagSeconds(s: SyncState, now: number): number | null {
  if (!s.follower) return null;
  if (s.follower.caughtUp()) s.syncedAt = now;
  return Math.max(0, (now - s.syncedAt) / 1000);
}

/**
 * The worker's follower: while it is caught up the lag is 0. Checked every second as well as at
 * each scrape, so a follower that fell behind between two scrapes counts from when it last was not.
 */
export function trackWorkflowFollower(follower: { caughtUp(): boolean }): void {
  const s = state();
  const first = !s.timer;
  // A follower starts with a full list: lag counts from its start, not from a predecessor's end.
  if (!s.follower) s.syncedAt = Math.max(s.syncedAt, Date.now());
  s.follower = follower;
  if (first) s.timer = setInterval(() => workflowSyncLagSeconds(s, Date.now()), 1_000).unref();
}

/** The follower's run ended (shutdown, or its lock went to another replica). */
export function untrackWorkflowFollower(follower: { caughtUp(): boolean }): void {
  const s = state();
  if (s.follower === follower) s.follower = null;
}

/** A reconcile pass completed; `listedAt` is when it started (its list is the state it synced to). */
export function markWorkflowsSynced(listedAt: number): void {
  const s = state();
  s.syncedAt = Math.max(s.syncedAt, listedAt);
}

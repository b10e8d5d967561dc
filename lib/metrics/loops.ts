// The worker's loops as metrics and as liveness. worker/loop.ts reports each run here; the worker's
// metrics server answers /healthz from the same state: 200 while every loop completes runs, 503 once
// one has not completed a run for 3 × its interval + 60 s (hung on a statement or a cluster call).
// A failed run still counts as completed: the loop is alive and backing off, and a database outage
// shows in gantry_db_up, not as a worker restarted for nothing.
import { metrics } from './registry';

export type LoopResult = 'ok' | 'error' | 'skipped';

interface LoopState {
  intervalMs: number;
  /** run() returns only at shutdown (the workflow follower): alive while that run is in progress. */
  longLived: boolean;
  /** When a run last completed (or the loop was due to start its first). */
  lastCompletedAt: number;
  lastSuccessAt: number | null;
  running: boolean;
}

const holder = globalThis as unknown as { [key: symbol]: Map<string, LoopState> | undefined };
const KEY = Symbol.for('gantry.metrics.loops');

function loops(): Map<string, LoopState> {
  let map = holder[KEY];
  if (!map) {
    map = new Map();
    holder[KEY] = map;
    metrics().sources.loopLastSuccess = () => lastSuccesses(Date.now());
  }
  return map;
}

/** A loop starts: its first run is due after `startAfterMs`; liveness counts from then. */
export function trackLoop(
  spec: { name: string; intervalMs: number; startAfterMs?: number; longLived?: boolean },
  now = Date.now(),
): void {
  loops().set(spec.name, {
    intervalMs: spec.intervalMs,
    longLived: spec.longLived ?? false,
    lastCompletedAt: now + (spec.startAfterMs ?? 0),
    lastSuccessAt: null,
    running: false,
  });
}

export function loopRunStarted(name: string): void {
  const state = loops().get(name);
  if (state) state.running = true;
}

/** One run's end: counted by result, timed, and remembered for liveness. */
export function loopRunFinished(name: string, result: LoopResult, seconds: number, now = Date.now()): void {
  const m = metrics();
  m.loopRuns.inc({ loop: name, result });
  if (result !== 'skipped') m.loopDuration.observe({ loop: name }, seconds);
  const state = loops().get(name);
  if (!state) return;
  state.running = false;
  state.lastCompletedAt = now;
  if (result === 'ok') state.lastSuccessAt = now;
}

function lastSuccesses(now: number): Array<{ loop: string; seconds: number }> {
  const out: Array<{ loop: string; seconds: number }> = [];
  for (const [loop, s] of loops()) {
    const at = s.longLived && s.running ? now : s.lastSuccessAt;
    if (at !== null) out.push({ loop, seconds: at / 1000 });
  }
  return out;
}

export interface Liveness {
  alive: boolean;
  /** Loops past their deadline, with seconds since their last completed run. */
  stalled: Array<{ loop: string; sinceSeconds: number }>;
}

/** Whether every tracked loop completed a run within 3 × its interval + 60 s. */
export function workerLiveness(now = Date.now()): Liveness {
  const stalled: Liveness['stalled'] = [];
  for (const [loop, s] of loops()) {
    if (s.longLived && s.running) continue;
    const since = now - s.lastCompletedAt;
    if (since > 3 * s.intervalMs + 60_000) stalled.push({ loop, sinceSeconds: Math.round(since / 1000) });
  }
  return { alive: stalled.length === 0, stalled };
}

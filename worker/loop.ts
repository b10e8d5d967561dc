// A small framework for the worker's long-running loops (scheduler, workflow sync, telemetry):
// jittered intervals, per-loop failure isolation with backoff, graceful shutdown, and an optional
// PostgreSQL advisory lock so that with several worker replicas only one runs a given loop at a time.
import type postgres from 'postgres';
import { AdvisoryLockSession } from '@/lib/db/advisory-lock';
import type { Db } from '@/lib/db/client';
import {
  classifyDatabaseError,
  describeDatabaseError,
  noteDatabaseError,
  noteDatabaseReachable,
  waitForDatabase,
} from '@/lib/db/unavailable';
import type { Logger } from '@/lib/log';
import { loopRunFinished, loopRunStarted, trackLoop } from '@/lib/metrics/loops';
import { recordLoopRun } from '@/lib/server/worker/record-loop-run';
import { sleepUnlessAborted } from '@/lib/sleep';

interface LoopContext {
  db: Db;
  log: Logger;
  signal: AbortSignal;
}

export interface LoopSpec {
  name: string;
  intervalMs: number;
  /** Fraction of the interval added or removed at random, so replicas do not run in lockstep. */
  jitter?: number;
  /** Only one replica may run this loop at a time (PostgreSQL session advisory lock). */
  exclusive?: boolean;
  /** Wait this long before the first run (default: run at once). */
  startAfterMs?: number;
  /**
   * At most this fraction of the time in runs: after a run of d ms the loop waits at least
   * d × (1 / maxDutyCycle − 1), so a run that grew slow (a pass over a huge queue) leaves the
   * cores to the web server and PostgreSQL for a while instead of starting again at once.
   */
  maxDutyCycle?: number;
  /** run() returns only at shutdown (the workflow follower): its liveness is the run in progress. */
  longLived?: boolean;
  run(ctx: LoopContext): Promise<void>;
}

export interface LoopRunner {
  /** Resolves when every loop has finished its current run. */
  stop(): Promise<void>;
  done: Promise<void>;
}

export function nextDelay(
  spec: Pick<LoopSpec, 'intervalMs' | 'jitter' | 'maxDutyCycle'>,
  failures: number,
  random = Math.random,
  lastRunMs = 0,
): number {
  const interval = spec.maxDutyCycle
    ? Math.max(spec.intervalMs, lastRunMs * (1 / spec.maxDutyCycle - 1))
    : spec.intervalMs;
  const base = failures === 0 ? interval : Math.min(interval * 2 ** Math.min(failures, 6), 5 * 60_000);
  const j = spec.jitter ?? 0.1;
  return Math.max(0, Math.round(base * (1 + j * (2 * random() - 1))));
}

/** Stable 32-bit key per loop name for pg_try_advisory_lock. */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of `gantry-loop:${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h | 0;
}

export function startLoops(
  specs: LoopSpec[],
  deps: { db: Db; sql: postgres.Sql; url: string; log: Logger; holder: string },
): LoopRunner {
  const controller = new AbortController();
  const { signal } = controller;
  const locks = specs.some((s) => s.exclusive) ? new AdvisoryLockSession(deps.url) : null;
  const probe = () => deps.sql`select 1`;

  async function runOnce(spec: LoopSpec, log: Logger): Promise<'ran' | 'skipped'> {
    if (!spec.exclusive || !locks) {
      await spec.run({ db: deps.db, log, signal });
      return 'ran';
    }
    const key = lockKey(spec.name);
    const lost = await locks.tryAcquire(key);
    if (!lost) return 'skipped';
    try {
      // A run that outlives its lock's session (the follower runs until shutdown) stops with it:
      // another replica may hold the lock by now, and the next round takes it again if free.
      await spec.run({ db: deps.db, log, signal: AbortSignal.any([signal, lost]) });
      if (lost.aborted) throw lost.reason;
      return 'ran';
    } finally {
      await locks.release(key);
    }
  }

  async function loop(spec: LoopSpec) {
    const log = deps.log.child({ loop: spec.name });
    let failures = 0;
    let outageSince: number | null = null;
    trackLoop(spec);
    if (spec.startAfterMs) await sleepUnlessAborted(spec.startAfterMs, signal);
    while (!signal.aborted) {
      const startedAt = new Date();
      try {
        loopRunStarted(spec.name);
        const outcome = await runOnce(spec, log);
        loopRunFinished(spec.name, outcome === 'ran' ? 'ok' : 'skipped', (Date.now() - startedAt.getTime()) / 1000);
        if (outageSince !== null) {
          log.info({ outageMs: Date.now() - outageSince }, 'database back; loop resumed');
          outageSince = null;
        }
        if (outcome === 'ran') {
          failures = 0;
          noteDatabaseReachable();
          await recordLoopRun(deps.db, {
            name: spec.name,
            holder: deps.holder,
            startedAt,
            finishedAt: new Date(),
            error: null,
          });
        }
      } catch (error) {
        // During shutdown the database may already be going away (Ctrl-C reaches PostgreSQL too):
        // a run cut short then is expected, not a failure worth an error line or a record.
        if (signal.aborted) {
          log.debug({ err: error }, 'loop run ended by shutdown');
          break;
        }
        loopRunFinished(spec.name, 'error', (Date.now() - startedAt.getTime()) / 1000);
        const outage = classifyDatabaseError(error);
        if (outage) {
          // Not this loop's failure: no backoff (it grew to minutes over an outage and kept the
          // scheduler idle long after the database was back), no record (it cannot be written).
          // Wait until the database answers again (probed every second, shared by all loops),
          // then run at once.
          noteDatabaseError(outage);
          if (outageSince === null) {
            outageSince = Date.now();
            log.warn({ kind: outage, cause: describeDatabaseError(error) }, 'database unavailable; loop waits for it');
          }
          // At least half a second between tries, should the probe pass while runs still fail.
          await Promise.all([waitForDatabase(probe, signal), sleepUnlessAborted(500, signal)]);
          continue;
        }
        failures += 1;
        log.error({ err: error, failures }, 'loop run failed; retrying with backoff');
        await recordLoopRun(deps.db, {
          name: spec.name,
          holder: deps.holder,
          startedAt,
          finishedAt: new Date(),
          error: String(error).slice(0, 500),
        }).catch((e) => log.error({ err: e }, 'could not record loop failure'));
      }
      await sleepUnlessAborted(nextDelay(spec, failures, Math.random, Date.now() - startedAt.getTime()), signal);
    }
  }

  deps.log.info({ loops: specs.map((s) => s.name), holder: deps.holder }, 'worker loops started');
  const done = Promise.all(specs.map(loop)).then(async () => {
    await locks?.close();
  });
  return {
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

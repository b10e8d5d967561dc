// A small framework for the worker's long-running loops (scheduler, workflow sync, telemetry):
// jittered intervals, per-loop failure isolation with backoff, graceful shutdown, and an optional
// PostgreSQL advisory lock so that with several worker replicas only one runs a given loop at a time.
import type postgres from 'postgres';
import type { Db } from '@/lib/db/client';
import type { Logger } from '@/lib/log';
import { recordLoopRun } from '@/lib/server/worker/record-loop-run';
import { sleepUnlessAborted } from '@/lib/sleep';

export interface LoopContext {
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
  const interval = spec.maxDutyCycle ? Math.max(spec.intervalMs, lastRunMs * (1 / spec.maxDutyCycle - 1)) : spec.intervalMs;
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
  deps: { db: Db; sql: postgres.Sql; log: Logger; holder: string },
): LoopRunner {
  const controller = new AbortController();
  const { signal } = controller;

  async function runOnce(spec: LoopSpec, log: Logger): Promise<'ran' | 'skipped'> {
    if (!spec.exclusive) {
      await spec.run({ db: deps.db, log, signal });
      return 'ran';
    }
    const conn = await deps.sql.reserve();
    try {
      const [row] = await conn`select pg_try_advisory_lock(${lockKey(spec.name)}) as ok`;
      if (!row.ok) return 'skipped';
      try {
        await spec.run({ db: deps.db, log, signal });
        return 'ran';
      } finally {
        await conn`select pg_advisory_unlock(${lockKey(spec.name)})`;
      }
    } finally {
      conn.release();
    }
  }

  async function loop(spec: LoopSpec) {
    const log = deps.log.child({ loop: spec.name });
    let failures = 0;
    if (spec.startAfterMs) await sleepUnlessAborted(spec.startAfterMs, signal);
    while (!signal.aborted) {
      const startedAt = new Date();
      try {
        const outcome = await runOnce(spec, log);
        if (outcome === 'ran') {
          failures = 0;
          await recordLoopRun(deps.db, { name: spec.name, holder: deps.holder, startedAt, finishedAt: new Date(), error: null });
        }
      } catch (error) {
        // During shutdown the database may already be going away (Ctrl-C reaches PostgreSQL too):
        // a run cut short then is expected, not a failure worth an error line or a record.
        if (signal.aborted) {
          log.debug({ err: error }, 'loop run ended by shutdown');
          break;
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
  const done = Promise.all(specs.map(loop)).then(() => undefined);
  return {
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

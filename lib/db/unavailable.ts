// "The database is unavailable": the one place that recognises a lost or refused PostgreSQL
// connection, whatever raised it (the socket, postgres.js, the server's own shutdown codes, Drizzle's
// wrapper around any of them), turns it into the AppError the HTTP layer answers 503 for, and keeps
// the process's view of whether the database answers (for readiness, the worker and metrics).
import { AppError } from '@/lib/server/errors';
import { sleepUnlessAborted } from '@/lib/sleep';
import { DATABASE_UNAVAILABLE_DIGEST } from './unavailable-digest';

/** Why the database is out of reach, as a metric label (`gantry_db_errors_total{kind}`). */
export type DatabaseErrorKind = 'refused' | 'lost' | 'shutdown' | 'starting' | 'too_many_connections' | 'timeout';

// Node's socket errors and postgres.js' own connection errors (src/errors.js `Errors.connection`).
const CODE_KINDS: Record<string, DatabaseErrorKind> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  ENOTFOUND: 'refused',
  EAI_AGAIN: 'refused',
  ECONNRESET: 'lost',
  ECONNABORTED: 'lost',
  EPIPE: 'lost',
  CONNECTION_CLOSED: 'lost',
  CONNECTION_ENDED: 'lost',
  CONNECTION_DESTROYED: 'lost',
  ETIMEDOUT: 'timeout',
  CONNECT_TIMEOUT: 'timeout',
  // SQLSTATEs (PostgreSQL appendix A): the server is going away, starting, or full.
  '57P01': 'shutdown', // admin_shutdown: fast or immediate shutdown, or pg_terminate_backend
  '57P02': 'shutdown', // crash_shutdown: another backend crashed, the server restarts
  '57P03': 'starting', // cannot_connect_now: starting up, shutting down, in recovery
  '53300': 'too_many_connections',
};

/** The kind of database outage `error` (or an error it wraps) reports, or null for any other error. */
export function classifyDatabaseError(error: unknown): DatabaseErrorKind | null {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): DatabaseErrorKind | null => {
    if (!e || typeof e !== 'object' || depth > 5 || seen.has(e)) return null;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code in CODE_KINDS) return CODE_KINDS[code];
      // Class 08, connection exception (08000, 08003 connection_does_not_exist, 08006 failure...).
      if (/^08[0-9A-Z]{3}$/.test(code)) return 'lost';
    }
    // Drizzle wraps driver errors (DrizzleQueryError.cause); Node's multi-address connect throws
    // an AggregateError of one error per address.
    const inner = visit((e as { cause?: unknown }).cause, depth + 1);
    if (inner) return inner;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors))
      for (const each of errors) {
        const kind = visit(each, depth + 1);
        if (kind) return kind;
      }
    return null;
  };
  return visit(error, 0);
}

/** The driver's or the socket's own message under any wrappers (Drizzle's holds the SQL and its parameters). */
export function describeDatabaseError(error: unknown): string {
  let inner = error;
  for (let depth = 0; depth < 5 && inner instanceof Error && inner.cause instanceof Error; depth++) inner = inner.cause;
  return inner instanceof Error ? inner.message : String(inner);
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return classifyDatabaseError(error) !== null;
}

/** How long clients are told to wait before trying again (Retry-After) while the database is out. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The AppError for a database outage (503 with Retry-After), or null when `error` is something else.
 * An AppError passes through unchanged. Counts the error for databaseState().
 */
export function databaseUnavailableError(error: unknown): AppError | null {
  if (error instanceof AppError) return null;
  const kind = classifyDatabaseError(error);
  if (!kind) return null;
  noteDatabaseError(kind);
  return new AppError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again in a few seconds', [], {
    cause: error,
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  });
}

/**
 * For server components: rethrows a database outage as an error whose digest tells the error
 * boundary (app/error.tsx) to show "database unavailable, retrying"; anything else (redirects
 * included) is rethrown unchanged.
 */
export function rethrowForPage(error: unknown): never {
  const kind = classifyDatabaseError(error);
  if (!kind) throw error;
  noteDatabaseError(kind);
  throw Object.assign(new Error('The database is unavailable'), { digest: DATABASE_UNAVAILABLE_DIGEST, cause: error });
}

export interface DatabaseState {
  /** false from the last connection error until the next connection or query that succeeded */
  up: boolean;
  /** when `up` last changed (ms since the epoch) */
  changedAt: number;
  lastErrorKind: DatabaseErrorKind | null;
  /** connection errors seen by this process, by kind, since it started */
  errors: Record<DatabaseErrorKind, number>;
}

// On globalThis: in the web process Next's bundle and the directly served routes (web/server.ts)
// load separate copies of this module, and both must see one state.
const holder = globalThis as unknown as { __gantryDbState?: DatabaseState };

/** This process's view of the database (read by the metrics: `gantry_db_up`, `gantry_db_errors_total`). */
export function databaseState(): DatabaseState {
  holder.__gantryDbState ??= {
    up: true,
    changedAt: Date.now(),
    lastErrorKind: null,
    errors: { refused: 0, lost: 0, shutdown: 0, starting: 0, too_many_connections: 0, timeout: 0 },
  };
  return holder.__gantryDbState;
}

export function noteDatabaseError(kind: DatabaseErrorKind): void {
  const state = databaseState();
  state.errors[kind] += 1;
  state.lastErrorKind = kind;
  if (state.up) Object.assign(state, { up: false, changedAt: Date.now() });
}

export function noteDatabaseReachable(): void {
  const state = databaseState();
  if (!state.up) Object.assign(state, { up: true, changedAt: Date.now() });
}

/** How often a process waiting for the database asks whether it is back. */
const DATABASE_PROBE_INTERVAL_MS = 1_000;

type Probe = () => Promise<unknown>;
interface Series {
  done: Promise<void>;
  waiters: number;
  stop: AbortController;
}
const series = new WeakMap<Probe, Series>();

/**
 * Resolves once `probe` (a `select 1`) succeeds, trying every DATABASE_PROBE_INTERVAL_MS, or when
 * `signal` aborts. Callers sharing a probe share one series of attempts, so every worker loop
 * waiting on one outage costs the database one query a second, and all resume together. The series
 * stops when its last caller has stopped waiting.
 */
export async function waitForDatabase(
  probe: Probe,
  signal: AbortSignal,
  intervalMs = DATABASE_PROBE_INTERVAL_MS,
): Promise<void> {
  if (signal.aborted) return;
  let current = series.get(probe);
  if (!current) {
    const stop = new AbortController();
    const done = (async () => {
      while (!stop.signal.aborted) {
        try {
          await probe();
          noteDatabaseReachable();
          return;
        } catch (error) {
          const kind = classifyDatabaseError(error);
          if (kind) noteDatabaseError(kind);
        }
        await sleepUnlessAborted(intervalMs, stop.signal);
      }
    })().finally(() => series.delete(probe));
    current = { done, waiters: 0, stop };
    series.set(probe, current);
  }
  const mine = current;
  mine.waiters += 1;
  let onAbort = () => {};
  try {
    await Promise.race([
      mine.done,
      new Promise<void>((resolve) => signal.addEventListener('abort', (onAbort = () => resolve()), { once: true })),
    ]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    mine.waiters -= 1;
    if (mine.waiters === 0) mine.stop.abort();
  }
}

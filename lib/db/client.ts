import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';
import * as schema from './schema';
import { noteDatabaseReachable } from './unavailable';

export type Db = PostgresJsDatabase<typeof schema>;
/** A database handle or an open transaction: verbs accept either, so callers choose the boundary. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  sql: postgres.Sql;
  /** the URL it connects to (the worker opens its advisory-lock session with it) */
  url: string;
  close(): Promise<void>;
}

/**
 * Connection settings every Gantry client shares, chosen for a database that goes away and comes
 * back (a restart, a failover, `kill -9`):
 * - backoff: postgres.js waits `backoff(retries)` seconds before reconnecting a closed connection,
 *   with `retries` shared by the whole pool and grown by every failed attempt; its default
 *   (0.5-1 × 3^retries / 100, up to 20 s) is 10-20 s after seven failed attempts, a few seconds
 *   into an outage, so every request then waited that long to fail, and after the database
 *   returned queries still queued behind connections sleeping for up to 20 s. Capped at 1 s.
 * - connect_timeout: a request waits at most this long for an unreachable server (default 30 s)
 *   before it answers 503.
 * - onparameter: the server sends its parameters once a connection is established and
 *   authenticated, the first sign that it is back (lib/db/unavailable.ts `databaseState`).
 */
export const CONNECTION_OPTIONS = {
  backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  connect_timeout: 5,
  onparameter: () => noteDatabaseReachable(),
  onnotice: () => {},
} satisfies postgres.Options<Record<string, never>>;

export function createDb(url: string, opts: { max?: number } = {}): DbHandle {
  const sql = postgres(url, {
    ...CONNECTION_OPTIONS,
    max: opts.max ?? 10,
    // Keeps the server's error text out of stack traces shown to users; it stays in `cause`.
    connection: { application_name: 'gantry' },
  });
  const db = drizzle(sql, { schema, casing: 'snake_case' });
  return { db, sql, url, close: () => sql.end({ timeout: 5 }) };
}

// One pool per process. Next's dev server re-evaluates modules, so the pool lives on globalThis.
const holder = globalThis as unknown as { __gantryDb?: DbHandle };

export function getDb(): Db {
  return getDbHandle().db;
}

export function getDbHandle(): DbHandle {
  if (!holder.__gantryDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded database)');
    holder.__gantryDb = createDb(url);
  }
  return holder.__gantryDb;
}

export { schema };

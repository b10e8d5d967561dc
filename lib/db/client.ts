import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;
/** A database handle or an open transaction: verbs accept either, so callers choose the boundary. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function createDb(url: string, opts: { max?: number } = {}): DbHandle {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // Keeps the server's error text out of stack traces shown to users; it stays in `cause`.
    connection: { application_name: 'gantry' },
  });
  const db = drizzle(sql, { schema, casing: 'snake_case' });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
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

import path from 'node:path';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { createDb } from './client';

// Any fixed number works; it only has to be the same in every Gantry process.
const MIGRATION_LOCK = 7_242_001;

/** Applies the committed SQL migrations in drizzle/. Safe to run from several processes at once. */
export async function migrateDatabase(url: string, migrationsFolder = path.resolve('drizzle')): Promise<void> {
  const handle = createDb(url, { max: 1 });
  try {
    await handle.sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(handle.db, { migrationsFolder });
    await handle.sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await handle.close();
  }
}

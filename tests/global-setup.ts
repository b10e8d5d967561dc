// Integration tests run against a real PostgreSQL: a throwaway embedded server in a temp folder,
// migrated once (startThrowawayPostgres, which the benchmarks use too); each test then runs in a
// transaction that is rolled back.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrateDatabase } from '@/lib/db/migrate';

const MIGRATIONS = path.resolve(import.meta.dirname, '..', 'drizzle');

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway embedded PostgreSQL in a fresh temp folder (`dir`, `<prefix>...`), on a free port,
 * migrated. `stop` stops it and removes the folder, with whatever else the caller kept there.
 */
export async function startThrowawayPostgres(
  prefix: string,
  database: string,
): Promise<{ url: string; dir: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // The server runs as another user when started as root (lib/db/embedded.ts): it must reach its data folder.
  fs.chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await freePort(), database });
  const stop = async () => {
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrateDatabase(db.url, MIGRATIONS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: db.url, dir, stop };
}

export default async function setup(project: TestProject) {
  const external = process.env.GANTRY_TEST_DATABASE_URL;
  if (external) {
    await migrateDatabase(external, MIGRATIONS);
    project.provide('databaseUrl', external);
    return;
  }
  const db = await startThrowawayPostgres('gantry-test-pg-', 'gantry_test');
  project.provide('databaseUrl', db.url);
  return db.stop;
}

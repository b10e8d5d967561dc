// Integration tests run against a real PostgreSQL: a throwaway embedded server in a temp folder,
// migrated once; each test then runs in a transaction that is rolled back.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrateDatabase } from '@/lib/db/migrate';

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

export default async function setup(project: TestProject) {
  const external = process.env.GANTRY_TEST_DATABASE_URL;
  let stop = async () => {};
  let url: string;
  if (external) {
    url = external;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-test-pg-'));
    fs.chmodSync(dir, 0o755);
    const db = await startEmbeddedPostgres({
      dir: path.join(dir, 'data'),
      port: await freePort(),
      database: 'gantry_test',
    });
    url = db.url;
    stop = async () => {
      await db.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  await migrateDatabase(url, path.resolve(import.meta.dirname, '..', 'drizzle'));
  project.provide('databaseUrl', url);
  return stop;
}

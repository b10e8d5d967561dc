// A whole Gantry for the benchmarks that need one: the `npm start` path (embedded PostgreSQL,
// simulated cluster, web server, worker) on spare ports with a fresh data folder and the demo
// accounts, plus a direct database handle and API tokens for the demo users.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { createDb, type DbHandle } from '@/lib/db/client';
import { embeddedDatabaseUrl } from '@/lib/db/embedded';
import { users } from '@/lib/db/schema';
import { logger } from '@/lib/log';
import { createToken } from '@/lib/server/tokens/create-token';
import { SMALL_YOUNG_GENERATION } from '@/scripts/lib/node-flags';

const root = path.resolve(import.meta.dirname, '..');

export interface Stack {
  url: string;
  /** The launcher's pid: its process tree is the whole Gantry (for CPU accounting). */
  pid: number;
  db: DbHandle;
  dataDir: string;
  /** What the launcher (and the web server and worker it started) printed so far. */
  log(): string;
  /** Sends the launcher a signal (the supervision tests' SIGTERM); stop() still cleans up after it. */
  signal(signal: NodeJS.Signals): void;
  /** The launcher's exit. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A Bearer token for a demo user (created once per user). */
  tokenFor(email: string): Promise<string>;
  stop(): Promise<void>;
}

async function waitReady(url: string, deadline: number, exited: () => string | null): Promise<void> {
  while (Date.now() < deadline) {
    const why = exited();
    if (why) throw new Error(why);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Gantry did not become ready at ${url}`);
}

/**
 * opts.dataDir: start on this folder (a restart) and leave it in place at stop; else a fresh one, removed at stop.
 * opts.launcher: what `node` runs (default scripts/gantry.ts through tsx; a built artifact's gantry.mjs to measure that).
 */
export async function startStack(
  ports: { web: number; pg: number; sim: number },
  extraEnv: Record<string, string> = {},
  opts: { dataDir?: string; launcher?: string[] } = {},
): Promise<Stack> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-'));
  if (!opts.dataDir) fs.chmodSync(dataDir, 0o755);
  // The launcher's output goes to a file, so a failed start (a broken build) can say why.
  const logPath = path.join(dataDir, 'launcher.log');
  const log = fs.openSync(logPath, 'a');
  const child = spawn(
    process.execPath,
    [SMALL_YOUNG_GENERATION, ...(opts.launcher ?? ['--import', 'tsx', path.join(root, 'scripts/gantry.ts')]), 'start'],
    {
      cwd: root,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        PORT: String(ports.web),
        GANTRY_PG_PORT: String(ports.pg),
        GANTRY_SIM_PORT: String(ports.sim),
        GANTRY_DATA_DIR: dataDir,
        // Its own embedded PostgreSQL on ports.pg, even where the caller has a DATABASE_URL (tests).
        DATABASE_URL: '',
        GANTRY_DEMO: '1',
        LOG_LEVEL: 'warn',
        ...extraEnv,
      },
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
    fs.closeSync(log);
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${ports.web}`;
  const ended = () =>
    child.exitCode === null && child.signalCode === null
      ? null
      : `Gantry exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${fs.readFileSync(logPath, 'utf8').slice(-3000)}`;
  try {
    await waitReady(`${url}/api/readyz`, Date.now() + 300_000, ended);
  } catch (error) {
    await stop();
    throw error;
  }
  // The launcher generated the database's credentials into the data folder (lib/db/embedded.ts).
  const db = createDb(embeddedDatabaseUrl(path.join(dataDir, 'pg'), ports.pg, 'gantry'), { max: 4 });
  const tokens = new Map<string, string>();
  return {
    url,
    pid: child.pid!,
    db,
    dataDir,
    log: () => fs.readFileSync(logPath, 'utf8'),
    signal: (signal) => child.kill(signal),
    exited,
    async tokenFor(email) {
      const known = tokens.get(email);
      if (known) return known;
      const [user] = await db.db.select().from(users).where(eq(users.email, email));
      if (!user) throw new Error(`no demo user ${email}`);
      const actor = { id: user.id, email: user.email, name: user.name, role: user.role, via: 'system' as const };
      const { token } = await createToken({ ctx: { db: db.db, actor, log: logger() }, input: { name: 'bench' } });
      tokens.set(email, token);
      return token;
    },
    async stop() {
      await db.close();
      await stop();
    },
  };
}

/** p50/p95/max of a list of milliseconds, rounded for a table. */
export function summarize(ms: number[]): { n: number; p50Ms: number; p95Ms: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN);
  return { n: s.length, p50Ms: at(50), p95Ms: at(95), maxMs: Math.round(s[s.length - 1] ?? NaN) };
}

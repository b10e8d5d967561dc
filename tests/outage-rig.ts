// A Gantry whose PostgreSQL can be stopped, killed and started again: an embedded PostgreSQL owned
// by this process (a temp folder, a free port, migrated, demo teams and users), the simulated
// cluster, and the worker and a web process as child processes whose output is kept, so a test or a
// benchmark can take the database away under them and see what they say about it.
// Used by tests/db-outage.int.test.ts and `npm run bench db-outage`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { createDb } from '@/lib/db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@/lib/db/embedded';
import { migrateDatabase } from '@/lib/db/migrate';
import { users } from '@/lib/db/schema';
import { logger } from '@/lib/log';
import { bootstrap } from '@/lib/server/setup/bootstrap';
import { createToken } from '@/lib/server/tokens/create-token';
import { startSimCluster, type SimCluster } from '@/lib/sim/server';
import { freePort } from './global-setup';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECRET = 'outage-rig-secret-0123456789abcdef';

export interface OutageRig {
  /** the web process's URL */
  url: string;
  /** the app role's database URL */
  databaseUrl: string;
  /** a Bearer token of the demo researcher ada (team vision) */
  token: string;
  /** a session cookie of ada, for pages (`name=value`) */
  sessionCookie(): Promise<string>;
  /** everything the web and worker processes printed so far */
  output(): { web: string; worker: string };
  /** whether web or worker exited (code or signal), null while both run */
  exited(): string | null;
  /** PostgreSQL's fast shutdown (clients get 57P01 admin_shutdown) */
  stopDatabase(): Promise<void>;
  /** kill -9 of the postmaster, as a crash or an OOM kill would */
  killDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  stop(): Promise<void>;
}

interface Child {
  proc: ChildProcess;
  out: string[];
  exited: Promise<void>;
}

function launch(args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  proc.stdout.on('data', (c: Buffer) => out.push(c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => out.push(c.toString('utf8')));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return { proc, out, exited };
}

async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | null> | T | null): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `web: 'routes'` serves a few API routes' real handlers (tests/outage-web.ts; no build needed);
 * `web: 'server'` runs web/server.ts, Next.js and all (needs a current `next build`).
 */
export async function startOutageRig(opts: { web: 'routes' | 'server'; simSpeed?: number }): Promise<OutageRig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-outage-'));
  fs.chmodSync(dir, 0o755);
  const pgDir = path.join(dir, 'pg');
  const pgPort = await freePort();
  let pg: EmbeddedDatabase | null = await startEmbeddedPostgres({ dir: pgDir, port: pgPort, database: 'gantry' });
  const databaseUrl = pg.url;
  await migrateDatabase(databaseUrl, path.join(ROOT, 'drizzle'));
  const setup = createDb(databaseUrl, { max: 1 });
  let token: string;
  let adaId: string;
  try {
    await bootstrap(setup.db, { adminEmail: 'admin@gantry.local', adminPassword: 'outage-admin-password', demo: true });
    const [ada] = await setup.db.select().from(users).where(eq(users.email, 'ada@gantry.local'));
    adaId = ada.id;
    const actor = { id: ada.id, email: ada.email, name: ada.name, role: ada.role, via: 'system' as const };
    ({ token } = await createToken({ ctx: { db: setup.db, actor, log: logger() }, input: { name: 'outage' } }));
  } finally {
    await setup.close();
  }
  const sim: SimCluster = await startSimCluster({
    port: 0,
    seed: 7,
    speed: opts.simSpeed ?? 20,
    dataDir: path.join(dir, 'sim'),
    failureRate: 0,
  });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    KUBECONFIG: sim.kubeconfigPath,
    NEXTAUTH_SECRET: SECRET,
    GANTRY_DATA_DIR: dir,
    LOG_LEVEL: 'info',
    NEXT_TELEMETRY_DISABLED: '1',
    // Other Gantrys on this machine may hold the worker's default metrics port.
    GANTRY_WORKER_METRICS_PORT: '0',
  };
  const worker = launch(['--import', 'tsx', path.join(ROOT, 'worker/main.ts')], env);
  let web: Child;
  let url: string;
  if (opts.web === 'routes') {
    web = launch(['--import', 'tsx', path.join(ROOT, 'tests/outage-web.ts')], env);
    url = await waitFor('the web process', 60_000, () => {
      if (web.proc.exitCode !== null) throw new Error(`web exited: ${web.out.join('')}`);
      return /listening (\S+)/.exec(web.out.join(''))?.[1] ?? null;
    });
  } else {
    const port = await freePort();
    web = launch(['--import', 'tsx', path.join(ROOT, 'web/server.ts')], {
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    });
    url = `http://127.0.0.1:${port}`;
    await waitFor('the web server', 120_000, async () => {
      if (web.proc.exitCode !== null) throw new Error(`web exited: ${web.out.join('')}`);
      return (await fetch(`${url}/api/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
        ? true
        : null;
    });
  }

  const stopChild = async (child: Child) => {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGTERM');
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(timer);
  };
  const pidFile = path.join(pgDir, 'postmaster.pid');
  return {
    url,
    databaseUrl,
    token,
    sessionCookie: async () =>
      `next-auth.session-token=${await encode({ token: { uid: adaId, sv: 0 }, secret: SECRET })}`,
    output: () => ({ web: web.out.join(''), worker: worker.out.join('') }),
    exited() {
      const status = (name: string, c: Child) =>
        c.proc.exitCode !== null || c.proc.signalCode !== null
          ? `${name} exited (${c.proc.exitCode ?? c.proc.signalCode})`
          : null;
      return status('web', web) ?? status('worker', worker);
    },
    async stopDatabase() {
      await pg?.stop();
      pg = null;
    },
    async killDatabase() {
      const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      await waitFor('the postmaster to die', 10_000, () => {
        try {
          process.kill(pid, 0);
          return null;
        } catch {
          return true;
        }
      });
      pg = null;
    },
    async startDatabase() {
      // After kill -9 the old backends notice their postmaster is gone and exit within moments;
      // until then PostgreSQL refuses to start on their shared memory.
      pg = await waitFor('PostgreSQL to start again', 30_000, () =>
        startEmbeddedPostgres({ dir: pgDir, port: pgPort, database: 'gantry' }).catch(() => null),
      );
    },
    async stop() {
      await Promise.all([stopChild(web), stopChild(worker)]);
      await sim.stop();
      await pg?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

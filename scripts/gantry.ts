// The launcher behind `npm start`, `npm run dev`, `npm run sim` and `npm run db:migrate`, and, bundled
// by `npm run build`, `node dist/gantry.mjs start|web|worker|migrate|sim` (scripts/lib/layout.ts).
// Order: configuration -> PostgreSQL -> migrations -> first admin -> cluster -> web -> worker.
// The web server and the worker are restarted when they crash (scripts/lib/supervise.ts); Ctrl-C or
// SIGTERM stops everything in SHUTDOWN_ORDER.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { bootstrap } from '@/lib/server/setup/bootstrap';
import { createDb } from '@/lib/db/client';
import { APP_ROLE, credentialsFile, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrateDatabase } from '@/lib/db/migrate';
import type { Env } from '@/lib/env';
import { failWith, loadEnvOr } from './lib/cli';
import { simOptionsFromEnv, startSimCluster } from '@/lib/sim/server';
import { onShutdownSignal } from '@/lib/shutdown-signals';
import { layout } from './lib/layout';
import { SMALL_YOUNG_GENERATION, WEB_NODE_FLAGS } from './lib/node-flags';
import { supervise, type Supervised } from './lib/supervise';

type Mode = 'start' | 'dev' | 'sim' | 'migrate' | 'web' | 'worker';
// The checkout, or the artifact folder under `node dist/gantry.mjs` (scripts/lib/layout.ts).
const root = layout().root;
const stops: { name: string; stop: () => Promise<void> }[] = [];
const t0 = performance.now();

function say(msg: string) {
  const secs = ((performance.now() - t0) / 1000).toFixed(1).padStart(5);
  console.log(`[gantry ${secs}s] ${msg}`);
}

// Annotated, so that a call ends control flow for the type checker too.
const fail: (msg: string) => never = failWith('gantry');
const loadEnv = () => loadEnvOr(fail);

/** NEXTAUTH_SECRET, else one generated once and kept in the data folder so sessions survive restarts. */
function sessionSecret(e: Env): string {
  if (e.NEXTAUTH_SECRET) return e.NEXTAUTH_SECRET;
  const file = path.join(e.dataDir, 'nextauth-secret');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

async function startDatabase(e: Env): Promise<string> {
  if (e.DATABASE_URL) {
    say('PostgreSQL: using DATABASE_URL');
    return e.DATABASE_URL;
  }
  say(
    `PostgreSQL: starting embedded server on 127.0.0.1:${e.GANTRY_PG_PORT} (data in ${path.relative(root, e.dataDir)}/pg)`,
  );
  const db = await startEmbeddedPostgres({
    dir: path.join(e.dataDir, 'pg'),
    port: e.GANTRY_PG_PORT,
    database: 'gantry',
    log: (m) => console.error(m),
  });
  stops.push({ name: 'PostgreSQL', stop: db.stop });
  // It runs in its own process group and only stop() ends it (lib/db/embedded.ts): an exit before
  // shutdown is a crash, and the web server and worker keep running without it.
  void db.exited.then(
    () =>
      shuttingDown ||
      console.error(`[gantry] PostgreSQL (pid ${db.pid}) exited unexpectedly; restart Gantry to start it again`),
  );
  say(
    `PostgreSQL: ready (Gantry connects as ${APP_ROLE}, not a superuser; passwords in ${path.relative(root, credentialsFile(path.join(e.dataDir, 'pg')))})`,
  );
  return db.url;
}

async function prepareDatabase(e: Env, url: string, demoDefault: boolean) {
  say('migrations: applying');
  await migrateDatabase(url, layout().migrations);
  say('migrations: up to date');
  const handle = createDb(url, { max: 1 });
  try {
    const result = await bootstrap(handle.db, {
      adminEmail: e.GANTRY_ADMIN_EMAIL,
      adminPassword: e.GANTRY_ADMIN_PASSWORD,
      demo: e.GANTRY_DEMO ?? demoDefault,
    });
    if (result.adminCreated) {
      say(`accounts: created admin ${e.GANTRY_ADMIN_EMAIL}`);
      if (result.generatedPassword) {
        const file = path.join(e.dataDir, 'admin-password');
        fs.writeFileSync(file, `${result.generatedPassword}\n`, { mode: 0o600 });
        console.log(
          `\n  Admin password (shown once, also saved to ${path.relative(root, file)}): ${result.generatedPassword}\n`,
        );
      }
      if (result.demoSeeded) say('accounts: seeded demo teams and users (see README)');
    }
  } finally {
    await handle.close();
  }
}

async function startCluster(e: Env): Promise<string> {
  if (e.KUBECONFIG) {
    say(`cluster: using KUBECONFIG ${e.KUBECONFIG}`);
    return e.KUBECONFIG;
  }
  if (e.KUBERNETES_SERVICE_HOST) {
    say('cluster: using the in-cluster service account');
    return '';
  }
  say(`cluster: no kubeconfig given, starting the simulated cluster on 127.0.0.1:${e.GANTRY_SIM_PORT}`);
  const sim = await startSimCluster(simOptionsFromEnv(e));
  stops.push({ name: 'simulated cluster', stop: sim.stop });
  say(
    `cluster: simulated cluster ready at ${sim.url} (kubectl --kubeconfig ${path.relative(root, sim.kubeconfigPath)} get nodes)`,
  );
  return sim.kubeconfigPath;
}

const WORKER_NICE = 10;

/** A supervised child (scripts/lib/supervise.ts): restarted with backoff when it crashes. */
function launch(
  name: string,
  args: string[],
  childEnv: NodeJS.ProcessEnv,
  opts: { ready?: (child: ChildProcess) => Promise<void>; stopTimeoutMs: number },
): Supervised {
  const supervised = supervise(
    {
      name,
      // Own process group: Ctrl-C reaches only the launcher, which then stops everything in order.
      spawn: () => spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: 'inherit', detached: true }),
      ready: opts.ready,
      stopTimeoutMs: opts.stopTimeoutMs,
    },
    { log: say, warn: (message) => console.error(`[gantry] ${message}`) },
  );
  children.push(supervised);
  stops.push({ name, stop: supervised.stop });
  return supervised;
}

async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`the process serving ${url} exited`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

function build(): Promise<void> {
  say('web: building the production bundle (next build; only when sources changed)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [layout().nextBin, 'build'], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: 'inherit',
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
  });
}

let shuttingDown = false;
const children: Supervised[] = [];
// Detached children outlive a crashed launcher unless killed here.
process.on('exit', () => children.forEach((c) => c.kill()));
// Not the reverse of the start order: the web server first stops accepting and drains the requests
// in flight (which still need PostgreSQL and the cluster), the worker finishes its current runs, and
// only then go PostgreSQL and the simulated cluster that both were still using.
const SHUTDOWN_ORDER = ['web', 'worker', 'PostgreSQL', 'simulated cluster'];

async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping');
  const rank = (name: string) => SHUTDOWN_ORDER.indexOf(name);
  for (const { name, stop } of [...stops].sort((a, b) => rank(a.name) - rank(b.name))) {
    say(
      name === 'web'
        ? `web: stopping (stops accepting, drains requests in flight for up to ${loadEnv().GANTRY_SHUTDOWN_DRAIN_SECONDS}s)`
        : `${name}: stopping`,
    );
    try {
      await stop();
      say(`${name}: stopped`);
    } catch (e) {
      console.error(`[gantry] ${name}: ${String(e)}`);
    }
  }
  process.exit(code);
}

/** `web` and `worker`: that process's own entry, imported here instead of started as a child. */
async function runInProcess(mode: 'web' | 'worker') {
  const part = layout()[mode];
  Object.assign(process.env, { NODE_ENV: process.env.NODE_ENV ?? 'production', ...part.env });
  // The same V8 flag `start` gives the web child (WEB_NODE_FLAGS): taken here where the command
  // line lacks it; V8 reads it at every collection, so setting it before the server loads works.
  if (mode === 'web')
    for (const flag of WEB_NODE_FLAGS) if (!process.execArgv.includes(flag)) v8.setFlagsFromString(flag);
  await import(pathToFileURL(part.entry).href);
}

async function main() {
  const mode = (process.argv[2] ?? 'start') as Mode;
  if (!['start', 'dev', 'sim', 'migrate', 'web', 'worker'].includes(mode))
    fail(`unknown command ${mode}: use start, dev, sim, migrate, web or worker`);
  if (mode === 'dev' && layout().kind === 'artifact')
    fail('dev needs a source checkout: the built artifact has no Next.js compiler');
  // One process per container (k8s): the web server or the worker in this process, which then
  // handles its own signals; DATABASE_URL and the cluster come from the environment.
  if (mode === 'web' || mode === 'worker') return runInProcess(mode);
  const e = loadEnv();
  fs.mkdirSync(e.dataDir, { recursive: true });
  onShutdownSignal({
    stop: () => void shutdown(0),
    force: () => {
      console.error('[gantry] second signal: stopping everything at once');
      process.exit(130);
    },
  });

  if (mode === 'sim') {
    await startCluster({ ...e, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined });
    say('press Ctrl-C to stop');
    return;
  }

  if (mode === 'start' && layout().needsBuild()) await build();
  if (mode === 'start' || mode === 'dev') await layout().prepare();
  const databaseUrl = await startDatabase(e);
  await prepareDatabase(e, databaseUrl, !e.DATABASE_URL);
  if (mode === 'migrate') return shutdown(0);
  const kubeconfig = await startCluster(e);

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    KUBECONFIG: kubeconfig || undefined,
    NEXTAUTH_SECRET: sessionSecret(e),
    NEXTAUTH_URL: e.NEXTAUTH_URL ?? `http://${e.HOST}:${e.PORT}`,
    NEXT_TELEMETRY_DISABLED: '1',
    GANTRY_DATA_DIR: e.dataDir,
  };
  // Production runs web/server.ts (Next.js behind a node:http server that answers POST /api/jobs
  // itself); dev keeps `next dev` for hot reloading.
  const next = layout().nextBin;
  say(`web: starting ${mode === 'dev' ? 'next dev' : 'the web server'} on http://${e.HOST}:${e.PORT}`);
  const healthz = `http://${e.HOST}:${e.PORT}/api/healthz`;
  const web = launch(
    'web',
    mode === 'dev' ? [next, 'dev', '-H', e.HOST, '-p', String(e.PORT)] : [...WEB_NODE_FLAGS, ...layout().web.args],
    {
      ...childEnv,
      ...layout().web.env,
      HOST: e.HOST,
      PORT: String(e.PORT),
      NODE_ENV: mode === 'dev' ? 'development' : 'production',
    },
    // It drains for GANTRY_SHUTDOWN_DRAIN_SECONDS itself; the margin is for closing Next.
    {
      ready: (child) => waitForHttp(healthz, 120_000, child),
      stopTimeoutMs: (e.GANTRY_SHUTDOWN_DRAIN_SECONDS + 10) * 1000,
    },
  );
  await web.start();
  say('web: ready');
  // Everything shares this machine's cores here, so the worker's background passes (a scheduler
  // pass over a 10,000-job queue takes a core for a few hundred ms) run at a lower CPU priority than
  // the web server and PostgreSQL: under a burst of submissions a pass waits a little instead of
  // every request doing so. It changes nothing when cores are free. The worker lowers every one of
  // its threads itself (worker/priority.ts): renicing its pid from here reached only the main
  // thread, not V8's garbage-collection and compiler threads. (In Kubernetes the worker has its own
  // pod and CPU request.)
  const worker = launch(
    'worker',
    [SMALL_YOUNG_GENERATION, ...layout().worker.args],
    { ...childEnv, NODE_ENV: 'production', GANTRY_WORKER_NICE: childEnv.GANTRY_WORKER_NICE ?? String(WORKER_NICE) },
    // Stopping, it finishes its loops' current runs: a scheduler pass or a sync takes seconds at most.
    { stopTimeoutMs: 30_000 },
  );
  await worker.start();
  say(`Gantry is running at http://${e.HOST}:${e.PORT} (Ctrl-C stops everything)`);
}

main().catch((error) => {
  console.error('[gantry] start failed:', error instanceof Error ? error.message : error);
  void shutdown(1);
});

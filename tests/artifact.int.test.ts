// The production artifact (`npm run build` -> dist/, scripts/build.ts) runs on its own: copied into an
// empty folder with no repository and no node_modules above it, with plain `node` and an environment
// that names nothing of the checkout, it migrates, starts (embedded PostgreSQL, simulated cluster, web
// server, worker), signs a user in, serves a page and its static assets, and runs a job to Succeeded;
// then `web` and `worker` alone (the Kubernetes commands) come up on the same database. This is what the Dockerfile's runtime stage holds, checked without a container engine.
//
// Builds dist/ only when it is missing or older than a source (`npm test` builds it just before).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDatabaseUrl } from '@/lib/db/embedded';
import { artifactDir, artifactIsStale } from '@/scripts/build';
import { freePort } from './global-setup';

const repo = path.resolve(import.meta.dirname, '..');
let folder: string;
let app: string;
let dataDir: string;
let launcher: ChildProcess | undefined;
let launcherLog = '';
let url: string;

/** Only what a container would have: no DATABASE_URL, KUBECONFIG, NODE_OPTIONS or paths into the checkout. */
function artifactEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    PATH: '/usr/bin:/bin',
    HOME: folder,
    TMPDIR: os.tmpdir(),
    LOG_LEVEL: 'warn',
    GANTRY_DATA_DIR: dataDir,
    ...extra,
  };
}

function runGantry(args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const res = spawnSync(process.execPath, ['gantry.mjs', ...args], {
    cwd: app,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (launcher && launcher.exitCode !== null)
      throw new Error(`Gantry exited (${launcher.exitCode}) while waiting for ${what}:\n${launcherLog.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000}s\n${launcherLog.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Signs in through next-auth's credentials callback as the sign-in page does; the cookie header. */
async function signIn(email: string, password: string): Promise<string> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const answer = await fetch(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; '), origin: url },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true', callbackUrl: url }).toString(),
  });
  const session = answer.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.includes('session-token='));
  if (!session) throw new Error(`sign-in failed: ${answer.status}`);
  return session;
}

beforeAll(async () => {
  if (artifactIsStale()) {
    const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/build.ts')], {
      cwd: repo,
      stdio: 'inherit',
    });
    expect(build.status, 'npm run build').toBe(0);
  }
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-artifact-'));
  fs.chmodSync(folder, 0o755);
  app = path.join(folder, 'app');
  dataDir = path.join(folder, 'data');
  fs.cpSync(artifactDir, app, { recursive: true, verbatimSymlinks: true });
}, 1_200_000);

afterAll(async () => {
  if (launcher && launcher.exitCode === null) {
    launcher.kill('SIGKILL');
    await new Promise((r) => launcher!.once('exit', r));
  }
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

describe('the built artifact, alone in an empty folder', () => {
  it('holds no TypeScript entry, no tsx and no dev dependency', () => {
    for (const entry of [
      'gantry.mjs',
      'web/server.mjs',
      'worker/main.mjs',
      '.next/BUILD_ID',
      'drizzle/meta/_journal.json',
    ]) {
      expect(fs.existsSync(path.join(app, entry)), entry).toBe(true);
    }
    // Server side only: .next/static is what browsers download, whatever Next names it.
    const serverFiles = fs
      .readdirSync(app, { recursive: true, encoding: 'utf8' })
      .filter((f) => !/^(node_modules|\.next\/static)\//.test(f));
    const typescript = serverFiles.filter((f) => /\.tsx?$/.test(f));
    expect(typescript).toEqual([]);
    for (const devOnly of ['tsx', 'esbuild', 'typescript', 'vitest', 'drizzle-kit', '@playwright/test']) {
      expect(fs.existsSync(path.join(app, 'node_modules', devOnly)), devOnly).toBe(false);
    }
  });

  it('migrates, starts, signs in, serves pages and runs a job to Succeeded', async () => {
    const [web, pg, sim, workerMetrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
    url = `http://127.0.0.1:${web}`;
    const env = artifactEnv({
      PORT: String(web),
      GANTRY_PG_PORT: String(pg),
      GANTRY_SIM_PORT: String(sim),
      GANTRY_WORKER_METRICS_PORT: String(workerMetrics),
      GANTRY_SIM_SPEED: '60',
      GANTRY_SIM_FAILURE_RATE: '0',
      GANTRY_DEMO: '1',
    });

    const migrated = runGantry(['migrate'], env);
    expect(migrated.status, migrated.output).toBe(0);
    expect(migrated.output).toContain('migrations: up to date');

    const gantry = spawn(process.execPath, ['gantry.mjs', 'start'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher = gantry;
    gantry.stdout.on('data', (c: Buffer) => (launcherLog += c.toString()));
    gantry.stderr.on('data', (c: Buffer) => (launcherLog += c.toString()));
    await waitFor(
      'GET /api/readyz 200',
      async () => ((await fetch(`${url}/api/readyz`)).status === 200 ? true : undefined),
      180_000,
    );
    // Every process runs from the copied folder, none from the checkout.
    expect(launcherLog).not.toContain(repo);

    // A page from Next's standalone server, and a static asset it links (copied from .next/static).
    const page = await fetch(`${url}/signin`);
    expect(page.status).toBe(200);
    const asset = /\/_next\/static\/[^"']+\.(?:js|css)/.exec(await page.text())?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${url}${asset}`)).status).toBe(200);

    // next-auth behind Next's router, then POST /api/jobs (served by web/server.ts itself, not Next).
    const session = { cookie: await signIn('ada@gantry.local', 'gantry-demo'), origin: url };
    const submitted = await fetch(`${url}/api/jobs`, {
      method: 'POST',
      headers: { ...session, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'artifact-job',
        kind: 'training',
        team: 'vision',
        priority: 'normal',
        gpu: { kind: 't4', count: 1 },
        expectedRuntimeSeconds: 60,
        maxRuntimeSeconds: 600,
        spec: {
          image: 'ghcr.io/acme/train:1.4',
          command: ['python', 'train.py'],
          env: { GANTRY_SIM_DURATION_SECONDS: '30' },
        },
      }),
    });
    const job = (await submitted.json()) as { id: string; state: string };
    expect(submitted.status, JSON.stringify(job)).toBeLessThan(300);

    let last = '';
    const final = await waitFor(
      'the job to finish',
      async () => {
        const res = await fetch(`${url}/api/jobs/${job.id}`, { headers: session });
        const body = (await res.json()) as { state: string };
        last = JSON.stringify(body);
        return ['succeeded', 'failed', 'cancelled'].includes(body.state) ? body.state : undefined;
      },
      120_000,
    );
    expect(final, last).toBe('succeeded');

    // The one-part commands Kubernetes runs (`web`, `worker`: in the process itself, no launcher),
    // beside the all-in-one, on its database and simulated cluster.
    const [web2, metrics] = [await freePort(), await freePort()];
    const partEnv = artifactEnv({
      DATABASE_URL: embeddedDatabaseUrl(path.join(dataDir, 'pg'), pg, 'gantry'),
      KUBECONFIG: path.join(dataDir, 'kubeconfig'),
      NEXTAUTH_SECRET: 'artifact-test-secret-0123456789abcdef',
      NEXTAUTH_URL: `http://127.0.0.1:${web2}`,
      PORT: String(web2),
      GANTRY_WORKER_METRICS_PORT: String(metrics),
    });
    for (const [part, probe] of [
      ['web', `http://127.0.0.1:${web2}/api/readyz`],
      ['worker', `http://127.0.0.1:${metrics}/healthz`],
    ] as const) {
      const child = spawn(process.execPath, ['gantry.mjs', part], {
        cwd: app,
        env: partEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      try {
        await waitFor(
          `${part}: ${probe} 200`,
          async () => (child.exitCode === null && (await fetch(probe)).status === 200 ? true : undefined),
          120_000,
        );
      } catch (error) {
        throw new Error(`${String(error)}\n${part} said:\n${out.slice(-3000)}`, { cause: error });
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited, `${part} after SIGTERM:\n${out.slice(-3000)}`).toBe(0);
    }

    // SIGTERM (what a container runtime sends) stops everything cleanly.
    gantry.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => gantry.once('exit', (c) => r(c)));
    expect(code, launcherLog.slice(-3000)).toBe(0);
  }, 420_000);
});

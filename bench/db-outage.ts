// "First admission within 5 s of PostgreSQL's return": a Gantry (web/server.ts, the worker, the
// simulated cluster) on a PostgreSQL this process owns, which is taken away for OUTAGE_MS while the
// API is called, by kill -9 of the postmaster and by a fast shutdown, then started again. Measured
// from the moment PostgreSQL accepts connections again: (a) GET /api/readyz answers 200, (b) a job
// submitted as soon as POST /api/jobs answers 201 is ADMITTED (its job_events row is committed).
// During the outage: what the API answered. Afterwards: any uncaught error in the web or worker log.
// `BENCH_DB_OUTAGE_WEB=routes` serves the API routes without Next (no build needed).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { chromium } from 'playwright-core';
import { createDb } from '@/lib/db/client';
import { jobEvents } from '@/lib/db/schema';
import { needsBuild } from '@/scripts/lib/build-state';
import { startOutageRig, type OutageRig } from '@/tests/outage-rig';
import { trainingJob } from '@/tests/training-job';

const OUTAGE_MS = Number(process.env.BENCH_DB_OUTAGE_MS ?? 30_000);
const POLL_MS = 50;

const jobBody = (name: string) => JSON.stringify({ ...trainingJob(name, { simSeconds: 3600 }), team: 'vision' });

async function call(
  rig: OutageRig,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; retryAfter: string | null; json: unknown }> {
  try {
    const res = await fetch(`${rig.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${rig.token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), json: text ? JSON.parse(text) : null };
  } catch {
    return { status: 0, retryAfter: null, json: null };
  }
}

async function until<T>(what: string, fn: () => Promise<T | null>, giveUpMs = 180_000): Promise<T> {
  const deadline = performance.now() + giveUpMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function outage(rig: OutageRig, how: 'kill -9' | 'fast shutdown') {
  const db = createDb(rig.databaseUrl, { max: 2 });
  // Warm: one job through to admission, so every loop has run and holds its connections.
  const warm = await call(rig, 'POST', '/api/jobs', jobBody(`warm-${Date.now()}`));
  if (warm.status !== 201) throw new Error(`warm-up submission answered ${warm.status}`);
  await db.close();

  if (how === 'kill -9') await rig.killDatabase();
  else await rig.stopDatabase();
  const during = new Map<string, number>();
  const page = await pageDuringOutage(rig);
  const outageEnd = performance.now() + OUTAGE_MS;
  let retryAfter: string | null = null;
  while (performance.now() < outageEnd) {
    for (const [method, path, body] of [
      ['GET', '/api/me'],
      ['POST', '/api/jobs', jobBody('during')],
      ['GET', '/api/readyz'],
    ] as const) {
      const r = await call(rig, method, path, body);
      const key = `${method} ${path} ${r.status}`;
      during.set(key, (during.get(key) ?? 0) + 1);
      if (r.status === 503 && path !== '/api/readyz') retryAfter = r.retryAfter;
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  await rig.startDatabase();
  const back = performance.now();
  const [readyMs, submitted] = await Promise.all([
    until('readyz 200', async () =>
      (await call(rig, 'GET', '/api/readyz')).status === 200 ? performance.now() - back : null,
    ),
    until('a 201 from POST /api/jobs', async () => {
      const r = await call(rig, 'POST', '/api/jobs', jobBody(`after-${Date.now()}`));
      return r.status === 201 ? { id: Number((r.json as { id: string }).id), ms: performance.now() - back } : null;
    }),
  ]);
  const check = createDb(rig.databaseUrl, { max: 1 });
  const admittedMs = await until('admission', async () => {
    const rows = await check.db
      .select({ cause: jobEvents.cause })
      .from(jobEvents)
      .where(and(eq(jobEvents.jobId, submitted.id), inArray(jobEvents.cause, ['ADMITTED', 'BACKFILLED'])));
    return rows.length ? performance.now() - back : null;
  });
  await check.close();
  return {
    how,
    outageS: OUTAGE_MS / 1000,
    duringOutage: Object.fromEntries(during),
    retryAfter,
    page,
    readyzMs: Math.round(readyMs),
    firstSubmitMs: Math.round(submitted.ms),
    admittedMs: Math.round(admittedMs),
  };
}

/**
 * What a signed-in visitor of the overview page sees while the database is away, in Chromium: the
 * error boundary (app/error.tsx) renders in the browser, not in the server's HTML.
 */
async function pageDuringOutage(rig: OutageRig): Promise<string> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const context = await browser.newContext();
    const [name, value] = (await rig.sessionCookie()).split(/=(.*)/s);
    await context.addCookies([{ name, value, url: rig.url }]);
    const page = await context.newPage();
    const response = await page.goto(`${rig.url}/`);
    const heading = page.getByRole('heading', { name: 'Database unavailable, retrying' });
    const shown = await heading.waitFor({ timeout: 15_000 }).then(
      () => true,
      () => false,
    );
    return `HTTP ${response?.status()}, ${shown ? 'shows "Database unavailable, retrying"' : `shows: ${(await page.locator('body').innerText()).slice(0, 120)}`}`;
  } catch (error) {
    return `failed (${String(error).slice(0, 200)})`;
  } finally {
    await browser.close();
  }
}

const UNCAUGHT = /uncaught|unhandled|TypeError|exited unexpectedly/i;

export async function benchDbOutage(): Promise<void> {
  const web = process.env.BENCH_DB_OUTAGE_WEB === 'routes' ? 'routes' : 'server';
  const root = path.resolve(import.meta.dirname, '..');
  if (web === 'server' && needsBuild(root)) {
    // web/server.ts serves the production build, as `npm start` does (which builds the same way).
    console.log('building (next build: sources changed since the last build)');
    const build = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (build.status !== 0) throw new Error(`next build failed (exit ${build.status}); run it to see why`);
  }
  const rig = await startOutageRig({ web });
  try {
    const rows = [];
    for (const how of ['kill -9', 'fast shutdown'] as const) {
      try {
        rows.push(await outage(rig, how));
      } catch (error) {
        const { web: webLog, worker } = rig.output();
        console.error(`--- web output:\n${webLog.slice(-4000)}\n--- worker output:\n${worker.slice(-6000)}`);
        throw error;
      }
    }
    for (const row of rows) console.dir(row, { depth: 3 });
    console.table(
      rows.map(({ how, outageS, readyzMs, firstSubmitMs, admittedMs }) => ({
        how,
        outageS,
        readyzMs,
        firstSubmitMs,
        admittedMs,
      })),
    );
    const { web: webLog, worker } = rig.output();
    const bad = [
      ...webLog.split('\n').map((l) => `web: ${l}`),
      ...worker.split('\n').map((l) => `worker: ${l}`),
    ].filter((l) => UNCAUGHT.test(l));
    console.log(
      `web server: ${web}; processes ${rig.exited() ?? 'both still running'}; uncaught errors in the logs: ${bad.length}`,
    );
    for (const line of bad.slice(0, 10)) console.log(`  ${line.slice(0, 300)}`);
  } finally {
    await rig.stop();
  }
}

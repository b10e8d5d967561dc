// The role x route matrix (docs/security.md): every route file under app/api, every method it exports,
// called through its real handler as anonymous, a viewer of the owning team, a researcher of another
// team, the owner and an admin, against a real PostgreSQL and the simulated cluster. The routes come
// from disk, so a route added without a row in tests/route-matrix.expectations.ts fails here by name.
//
// Fixtures are written in one transaction held open for the whole file, and each call runs in a
// savepoint rolled back afterwards: every persona meets the same objects (a job the owner cancelled
// is queued again for the admin), and nothing is left in the shared test database.
import fs from 'node:fs';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle, Tx } from '@/lib/db/client';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import {
  authThrottle,
  gpuAssignments,
  gpuDevices,
  gpuSamples,
  jobs,
  notifications,
  stepLogs,
  teamPolicyExceptions,
  userIdentities,
  workflowSnapshots,
} from '@/lib/db/schema';
import { logger } from '@/lib/log';
import { createSweepDataset } from '@/lib/server/benchmarks/create-sweep-dataset';
import { postBenchmarkResult } from '@/lib/server/benchmarks/post-benchmark-result';
import type { Actor, Ctx } from '@/lib/server/context';
import { submitJob } from '@/lib/server/jobs/submit-job';
import type { JobView } from '@/lib/server/jobs/job-view';
import { saveRankingProfile } from '@/lib/server/rankings/save-ranking-profile';
import { createShare } from '@/lib/server/shares/create-share';
import { createTeam } from '@/lib/server/teams/create-team';
import { createToken } from '@/lib/server/tokens/create-token';
import { createWebhook } from '@/lib/server/notifications/create-webhook';
import { eq } from 'drizzle-orm';
import { systemActor, testDb } from './db';
import { makeUser } from './factories';
import { makeResult } from './benchmark-factories';
import {
  IDENTITY_ISSUER,
  PERSONAS,
  ROUTE_MATRIX,
  type MatrixFixtures,
  type Persona,
  type RouteCase,
} from './route-matrix.expectations';
import { SMALL_SWEEP } from './sweep-endpoints';
import { useSimCluster } from './sim';

const ROOT = path.resolve(import.meta.dirname, '..');
const API = path.join(ROOT, 'app', 'api');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const ORIGIN = 'http://127.0.0.1:3000';

type Handler = (req: NextRequest, ctx: { params: Promise<unknown> }) => Promise<Response>;

/** `app/api/jobs/[id]/route.ts` -> `/api/jobs/[id]`, for every route file on disk. */
function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === 'route.ts' ? [full] : [];
  });
}

const routes = await Promise.all(
  routeFiles(API)
    .sort()
    .map(async (file) => {
      const pattern = `/${path.relative(path.join(ROOT, 'app'), path.dirname(file)).split(path.sep).join('/')}`;
      const mod = (await import(file)) as Record<string, unknown>;
      return {
        pattern,
        file,
        handlers: METHODS.filter((m) => typeof mod[m] === 'function').map((m) => ({
          method: m,
          handler: mod[m] as Handler,
        })),
      };
    }),
);
const calls = routes.flatMap((r) =>
  r.handlers.map((h) => ({ key: `${h.method} ${r.pattern}`, pattern: r.pattern, file: r.file, ...h })),
);

function casesOf(key: string): RouteCase[] {
  const c = ROUTE_MATRIX[key];
  return c === undefined ? [] : Array.isArray(c) ? c : [c];
}

/** `/api/jobs/[id]/steps/[nodeId]/logs` with its params filled in. */
function fillPath(pattern: string, params: Record<string, string | string[]>): string {
  return pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`the matrix row gives no value for [${name}] of ${pattern}`);
    return Array.isArray(v) ? v.map(encodeURIComponent).join('/') : encodeURIComponent(v);
  });
}

// --- one transaction for the file, a savepoint per call -------------------------------------------

class Rollback extends Error {}
const holder = globalThis as unknown as { __gantryDb?: DbHandle };
let outer: Tx | undefined;
let release: () => void = () => {};
let finished: Promise<unknown> = Promise.resolve();

/** Runs fn with getDb() answering a savepoint of the held transaction, then rolls the savepoint back. */
async function inSavepoint<T>(fn: () => Promise<T>): Promise<T> {
  if (!outer) throw new Error('the matrix transaction is not open');
  let result: T | undefined;
  const previous = holder.__gantryDb;
  try {
    await outer.transaction(async (sp) => {
      holder.__gantryDb = { ...testDb(), db: sp as unknown as DbHandle['db'] };
      result = await fn();
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  } finally {
    holder.__gantryDb = previous;
  }
  return result as T;
}

// --- fixtures --------------------------------------------------------------------------------------

let f: MatrixFixtures;
const bearer: Partial<Record<Persona, string>> = {};
let ownerCookie = '';

async function createFixtures(ctx: Ctx): Promise<MatrixFixtures> {
  const marker = Math.random().toString(36).slice(2, 8);
  // Created as an admin does, so each team's namespace exists in the simulated cluster too.
  const ownerTeam = await createTeam({
    ctx,
    input: { slug: `mx-${marker}-own`, name: 'Matrix owners', cohort: `mx-${marker}` },
  });
  const otherTeam = await createTeam({
    ctx,
    input: { slug: `mx-${marker}-oth`, name: 'Matrix others', cohort: `mx-${marker}` },
  });
  const people: Record<Exclude<Persona, 'anonymous'>, Actor> = {
    viewer: await makeUser(ctx, { role: 'viewer', teamId: ownerTeam.id }),
    other: await makeUser(ctx, { role: 'researcher', teamId: otherTeam.id }),
    owner: await makeUser(ctx, { role: 'researcher', teamId: ownerTeam.id }),
    admin: await makeUser(ctx, { role: 'admin' }),
  };
  for (const [persona, actor] of Object.entries(people)) {
    bearer[persona as Persona] = (await createToken({ ctx: { ...ctx, actor }, input: { name: 'matrix' } })).token;
  }
  const owner: Ctx = { ...ctx, actor: people.owner };
  const script = await createToken({ ctx: owner, input: { name: 'script' } });
  ownerCookie = await encode({ token: { uid: people.owner.id, sv: 0 }, secret: process.env.NEXTAUTH_SECRET! });

  const gpuKind = 'a100-80gb-shared';
  const noCluster = { gpuKinds: async () => null, gpuNodes: async () => [] };
  const submit = async (name: string) =>
    (await submitJob(
      {
        ctx: owner,
        input: {
          name,
          kind: 'training',
          team: ownerTeam.slug,
          gpu: { kind: gpuKind, count: 1 },
          expectedRuntimeSeconds: 600,
          maxRuntimeSeconds: 1200,
          spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
        },
      },
      noCluster,
    )) as JobView;
  const job = await submit(`matrix-job-${marker}`);
  const failed = await submit(`matrix-failed-${marker}`);
  const workflowName = `gantry-${failed.id}`;
  const stepNode = `${workflowName}-1234567890`;
  const now = Date.now();
  await ctx.db
    .update(jobs)
    .set({ state: 'failed', workflowName, finishedAt: new Date(now) })
    .where(eq(jobs.id, Number(failed.id)));
  await ctx.db.insert(workflowSnapshots).values({
    jobId: Number(failed.id),
    workflowName,
    phase: 'Failed',
    nodes: {
      [workflowName]: {
        id: workflowName,
        name: workflowName,
        displayName: workflowName,
        type: 'Steps',
        phase: 'Failed',
        children: [stepNode],
      },
      [stepNode]: {
        id: stepNode,
        name: `${workflowName}[0].train`,
        displayName: 'train',
        type: 'Pod',
        templateName: 'train',
        phase: 'Failed',
        boundaryID: workflowName,
      },
    },
  });
  await ctx.db.insert(stepLogs).values({
    jobId: Number(failed.id),
    nodeId: stepNode,
    podName: `${workflowName}-train-1234567890`,
    text: 'epoch 1\nout of memory\n',
    complete: true,
  });

  // The owner's job held one GPU of a pool for ten minutes (what the telemetry loop records).
  const pool = `mx-${marker}-pool`;
  const [device] = await ctx.db
    .insert(gpuDevices)
    .values({ key: `mx-${marker}-node/GPU-0`, node: `mx-${marker}-node`, pool, kind: 'a100-80gb' })
    .returning();
  const from = now - 10 * 60_000;
  await ctx.db.insert(gpuAssignments).values({
    deviceId: device.id,
    namespace: 'gantry-jobs',
    pod: `gantry-${job.id}-train`,
    day: new Date(from).toISOString().slice(0, 10),
    jobId: job.id,
    owner: people.owner.email,
    team: ownerTeam.slug,
    firstSeenAt: new Date(from),
    lastSeenAt: new Date(now),
    samples: 60,
    utilSamples: 60,
    utilSum: 60 * 80,
  });
  await ctx.db.insert(gpuSamples).values(
    Array.from({ length: 60 }, (_, i) => ({
      deviceId: device.id,
      ts: new Date(from + i * 10_000),
      util: 80,
      fb: 1000,
      power: 200,
    })),
  );

  // Two results posted by a step (not of the sweep's configurations, so running it still has work).
  const sweep = await createSweepDataset({
    ctx: owner,
    input: { name: `matrix-sweep-${marker}`, definition: SMALL_SWEEP },
  });
  for (const n of [1, 2])
    await postBenchmarkResult({
      ctx,
      input: { token: sweep.resultsToken, result: makeResult(n, { source: 'sweep' }) },
    });
  const identitySubject = `mx-${marker}-subject`;
  await ctx.db
    .insert(userIdentities)
    .values({ issuer: IDENTITY_ISSUER, subject: identitySubject, userId: people.other.id });
  await ctx.db
    .insert(teamPolicyExceptions)
    .values({ teamId: ownerTeam.id, rule: 'pss.privileged', reason: 'the route matrix revokes it', createdBy: null });
  const lockedEmail = `mx-${marker}-locked@test.local`;
  await ctx.db
    .insert(authThrottle)
    .values({ scope: 'account', key: lockedEmail, failures: 10, lockedUntil: new Date(now + 15 * 60_000) });
  const settings: RankingSettings = {
    criteria: ['tokensPerSecond', 'ttftMeanMs'],
    weights: [3, 1],
    directions: ['benefit', 'cost'],
    normalization: 'vector',
    constraints: [],
  };
  const share = await createShare({ ctx: owner, input: { datasetId: sweep.dataset.id, settings } });
  const profile = await saveRankingProfile({ ctx: owner, input: { name: `matrix-${marker}`, settings } });
  const ownerWebhook = await createWebhook({
    ctx: owner,
    input: {
      name: `matrix-hook-${marker}`,
      url: 'https://hooks.example.invalid/own',
      format: 'json',
      events: ['job.failed'],
    },
  });
  const teamWebhook = await createWebhook({
    ctx,
    input: {
      name: `matrix-team-${marker}`,
      url: 'https://hooks.example.invalid/team',
      format: 'json',
      events: ['job.failed'],
    },
    scope: { team: ownerTeam.slug },
  });
  const [note] = await ctx.db
    .insert(notifications)
    .values({
      userId: people.owner.id,
      outboxId: 0,
      event: 'job.failed',
      message: `matrix-note-${marker}`,
      url: '/jobs/1',
    })
    .returning();

  return {
    ownerTeam: ownerTeam.slug,
    otherTeam: otherTeam.slug,
    userIds: { viewer: people.viewer.id, other: people.other.id, owner: people.owner.id, admin: people.admin.id },
    job: job.id,
    failedJob: failed.id,
    stepNode,
    dataset: sweep.dataset.id,
    resultsToken: sweep.resultsToken,
    share: share.id,
    profile: profile.id,
    ownerTokenId: script.id,
    identitySubject,
    lockedEmail,
    ownerWebhook: ownerWebhook.id,
    teamWebhook: teamWebhook.id,
    ownerNotification: note.id,
    pool,
    gpuKind,
    marker,
  };
}

// --- calls -----------------------------------------------------------------------------------------

interface Credentials {
  bearer?: string;
  cookie?: string;
  /** the Origin a cookie call carries (default: Gantry's own, as its pages send) */
  origin?: string | null;
}

async function call(
  target: { pattern: string; method: string; handler: Handler },
  c: RouteCase,
  who: Credentials,
): Promise<{ status: number; text: string }> {
  const params = c.params?.(f) ?? {};
  const query = c.query?.(f);
  const body = c.body?.(f);
  const headers: Record<string, string> = {};
  if (who.bearer) headers.authorization = `Bearer ${who.bearer}`;
  if (who.cookie) {
    headers.cookie = `next-auth.session-token=${who.cookie}`;
    if (who.origin !== null) headers.origin = who.origin ?? ORIGIN;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const url = `${ORIGIN}${fillPath(target.pattern, params)}${query ? `?${query}` : ''}`;
  return inSavepoint(async () => {
    const res = await target.handler(
      new NextRequest(url, {
        method: target.method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      { params: Promise.resolve(params) },
    );
    return { status: res.status, text: await res.text() };
  });
}

// --- the matrix --------------------------------------------------------------------------------------

describe('role x route matrix', () => {
  useSimCluster({ seed: 13, speed: 1, argoController: false });

  beforeAll(async () => {
    let opened: () => void = () => {};
    const ready = new Promise<void>((resolve) => (opened = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    finished = testDb()
      .db.transaction(async (tx) => {
        outer = tx;
        f = await createFixtures({ db: tx, actor: systemActor(), log: logger() });
        opened();
        await held;
        throw new Rollback();
      })
      .catch((e) => {
        opened();
        if (!(e instanceof Rollback)) throw e;
      });
    await ready;
    if (!outer || !f) await finished; // the fixtures failed: surface why
  });

  afterAll(async () => {
    release();
    await finished;
    outer = undefined;
  });

  it('has a row for every route and method on disk, and none for a route that is gone', () => {
    const onDisk = new Set(calls.map((c) => c.key));
    const missing = [...onDisk].filter((k) => !(k in ROUTE_MATRIX));
    const stale = Object.keys(ROUTE_MATRIX).filter((k) => !onDisk.has(k));
    expect({ missing, stale }, 'add a row to tests/route-matrix.expectations.ts for each missing route').toEqual({
      missing: [],
      stale: [],
    });
  });

  it.each(calls.map((c) => [c.key, c] as const))('%s', async (key, target) => {
    const cases = casesOf(key);
    expect(cases.length, `no expectation for ${key}: add it to tests/route-matrix.expectations.ts`).toBeGreaterThan(0);
    const delegated = cases.filter((c) => c.delegated);
    if (delegated.length) {
      // Only next-auth's endpoints are delegated: the route hands the request to NextAuth, and the spec exists.
      expect(fs.readFileSync(target.file, 'utf8')).toContain('NextAuth(');
      for (const c of delegated) expect(fs.existsSync(path.join(ROOT, c.delegated!)), c.delegated).toBe(true);
      return;
    }
    const got: string[] = [];
    const want: string[] = [];
    for (const c of cases) {
      const label = c.name ? `${key} (${c.name})` : key;
      for (const [i, persona] of PERSONAS.entries()) {
        const res = await call(target, c, { bearer: bearer[persona] });
        const revealed = c.reveals ? ` reveals=${res.text.includes(c.reveals.text(f))}` : '';
        // On a wrong status the problem's detail comes along, so the failure says why.
        const why = res.status !== c.expect[i] ? ` (${res.text.slice(0, 200)})` : '';
        got.push(`${label} as ${persona}: ${res.status}${revealed}${why}`);
        want.push(`${label} as ${persona}: ${c.expect[i]}${c.reveals ? ` reveals=${c.reveals.expect[i]}` : ''}`);
      }
      if (c.resultsToken !== undefined) {
        const res = await call(target, c, { bearer: f.resultsToken });
        got.push(
          `${label} with the results token: ${res.status}${res.status !== c.resultsToken ? ` (${res.text.slice(0, 200)})` : ''}`,
        );
        want.push(`${label} with the results token: ${c.resultsToken}`);
      }
    }
    expect(got).toEqual(want);
  });

  // Authorization comes before validation: who may not call a route at all learns nothing about
  // what it accepts. (An object-level refusal, 404 or an owner's 403, may follow the body's
  // validation: a 400 then names fields of the request, never anything of the object.)
  it('refuses by authentication and role before it reads the body', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const target of calls) {
      for (const c of casesOf(target.key)) {
        if (!c.body || c.delegated) continue;
        const broken = { ...c, body: () => [] };
        const byRole = c.expect[1] === 403 && c.expect[2] === 403 && c.expect[3] === 403;
        for (const [i, persona] of PERSONAS.entries()) {
          const refusedByRole =
            c.expect[i] === 401 || (persona === 'viewer' && c.expect[i] === 403) || (byRole && c.expect[i] === 403);
          if (!refusedByRole) continue;
          const res = await call(target, broken, { bearer: bearer[persona] });
          got.push(`${target.key} as ${persona} with a broken body: ${res.status}`);
          want.push(`${target.key} as ${persona} with a broken body: ${c.expect[i]}`);
        }
      }
    }
    expect(got.length).toBeGreaterThan(20);
    expect(got).toEqual(want);
  });

  it('treats a session cookie like the owner’s token (same-origin JSON calls)', async () => {
    const me = calls.find((c) => c.key === 'GET /api/me')!;
    const meRes = await call(me, { expect: [401, 200, 200, 200, 200] }, { cookie: ownerCookie });
    expect(meRes.status).toBe(200);
    expect(JSON.parse(meRes.text)).toMatchObject({ id: f.userIds.owner });
    // A mutating call from Gantry's own page: Origin and a JSON body, as the console sends them.
    const cancel = calls.find((c) => c.key === 'POST /api/jobs/[id]/cancel')!;
    const row = casesOf('POST /api/jobs/[id]/cancel')[0];
    expect((await call(cancel, { ...row, body: () => ({}) }, { cookie: ownerCookie })).status).toBe(200);
    // The same cookie from another origin, or with no Origin at all, is refused before the verb runs.
    expect(
      (await call(cancel, { ...row, body: () => ({}) }, { cookie: ownerCookie, origin: 'http://127.0.0.1:3001' }))
        .status,
    ).toBe(403);
    expect((await call(cancel, { ...row, body: () => ({}) }, { cookie: ownerCookie, origin: null })).status).toBe(403);
  });
});

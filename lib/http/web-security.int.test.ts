// The web boundary through real route handlers, a real database and the node:http adapter: cookie
// writes only from Gantry's own pages, text no field may hold, plain decimal ids, unknown API paths,
// the per-user cap on queued jobs and the API's security headers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, inArray, sql } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as unknownApi, POST as unknownApiPost } from '@/app/api/[...path]/route';
import { POST as cancelRoute } from '@/app/api/jobs/[id]/cancel/route';
import { GET as getJobRoute } from '@/app/api/jobs/[id]/route';
import { GET as stepLogRoute } from '@/app/api/jobs/[id]/steps/[nodeId]/logs/route';
import { GET as listJobsRoute, POST as submitRoute } from '@/app/api/jobs/route';
import { GET as meRoute } from '@/app/api/me/route';
import { POST as tokenRoute } from '@/app/api/tokens/route';
import { jobEvents, jobs, apiTokens } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { logger } from '@/lib/log';
import type { AppError } from '@/lib/server/errors';
import { submitJob } from '@/lib/server/jobs/submit-job';
import { createToken } from '@/lib/server/tokens/create-token';
import { testDb } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { serveRoute } from './node-adapter';

const ORIGIN = 'http://127.0.0.1:3000';
type Params = Record<string, string | string[]>;
type Handler = (req: NextRequest, ctx: { params: Promise<never> }) => Promise<Response>;

let teamSlug = '';
let researcher: Awaited<ReturnType<typeof makeUser>>;
let cookie = '';
let bearer = '';
const createdUsers: string[] = [];

function request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new NextRequest(`${ORIGIN}${path}`, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
}

function call(handler: unknown, req: NextRequest, params: Params = {}) {
  return (handler as Handler)(req, { params: Promise.resolve(params) as Promise<never> });
}

const job = (over: Record<string, unknown> = {}) => ({
  name: `web-sec-${Math.random().toString(36).slice(2, 8)}`,
  kind: 'training',
  team: teamSlug,
  priority: 'normal',
  gpu: { kind: 't4', count: 1 },
  expectedRuntimeSeconds: 600,
  maxRuntimeSeconds: 1200,
  spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
  ...over,
});

const fromBrowser = (extra: Record<string, string> = {}) => ({ cookie: `next-auth.session-token=${cookie}`, ...extra });
const json = { 'content-type': 'application/json' };

async function queuedJobsOf(userId: string) {
  const [{ n }] = await testDb()
    .db.select({ n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(sql`${jobs.userId} = ${userId} and ${jobs.state} = 'queued'`);
  return n;
}

beforeAll(async () => {
  const ctx = {
    db: testDb().db,
    actor: { id: '', email: '', name: '', role: 'admin' as const, via: 'system' as const },
    log: logger(),
  };
  const team = await makeTeam(ctx);
  teamSlug = team.slug;
  researcher = await makeUser(ctx, { role: 'researcher', teamId: team.id });
  createdUsers.push(researcher.id);
  cookie = await encode({ token: { uid: researcher.id, sv: 0 }, secret: env().NEXTAUTH_SECRET! });
  ({ token: bearer } = await createToken({ ctx: { ...ctx, actor: researcher }, input: { name: 'web-security test' } }));
});

afterAll(async () => {
  // The route handlers commit; other suites start from their own rows.
  await testDb().db.delete(jobs).where(inArray(jobs.userId, createdUsers));
  await testDb().db.delete(apiTokens).where(inArray(apiTokens.userId, createdUsers));
});

describe("cookie-authenticated writes come only from Gantry's own pages", () => {
  it('refuses a cookie POST without Origin or Referer: 403 saying why, nothing stored', async () => {
    const body = job();
    const res = await call(
      submitRoute,
      request('/api/jobs', { method: 'POST', headers: fromBrowser(json), body: JSON.stringify(body) }),
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('Origin or Referer') });
    expect(await testDb().db.select().from(jobs).where(eq(jobs.name, body.name))).toHaveLength(0);
  });

  it('refuses a cookie POST from another origin, even another port of the same host', async () => {
    const res = await call(
      tokenRoute,
      request('/api/tokens', {
        method: 'POST',
        headers: fromBrowser({ ...json, origin: 'http://127.0.0.1:3001' }),
        body: '{"name":"x"}',
      }),
    );
    expect(res.status).toBe(403);
    expect((await res.json()).detail).toContain('http://127.0.0.1:3001');
  });

  it('refuses a form post from the right origin: only JSON changes anything', async () => {
    const res = await call(
      tokenRoute,
      request('/api/tokens', {
        method: 'POST',
        headers: fromBrowser({ origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }),
        body: 'name=x',
      }),
    );
    expect(res.status).toBe(403);
    expect((await res.json()).detail).toContain('application/x-www-form-urlencoded');
  });

  it("passes JSON from Gantry's origin, by Origin or by Referer", async () => {
    const byOrigin = await call(
      submitRoute,
      request('/api/jobs', {
        method: 'POST',
        headers: fromBrowser({ ...json, origin: ORIGIN }),
        body: JSON.stringify(job()),
      }),
    );
    expect(byOrigin.status).toBe(201);
    const byReferer = await call(
      tokenRoute,
      request('/api/tokens', {
        method: 'POST',
        headers: fromBrowser({ 'content-type': 'application/json; charset=utf-8', referer: `${ORIGIN}/settings` }),
        body: '{"name":"from the page"}',
      }),
    );
    expect(byReferer.status).toBe(201);
  });

  it('leaves a cross-site cancel without effect', async () => {
    const created = await call(
      submitRoute,
      request('/api/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, ...json },
        body: JSON.stringify(job()),
      }),
    );
    const { id } = await created.json();
    const res = await call(
      cancelRoute,
      request(`/api/jobs/${id}/cancel`, {
        method: 'POST',
        headers: fromBrowser({ origin: 'http://127.0.0.1:4000', 'content-type': 'text/plain' }),
      }),
      { id },
    );
    expect(res.status).toBe(403);
    const [row] = await testDb()
      .db.select({ state: jobs.state })
      .from(jobs)
      .where(eq(jobs.id, Number(id)));
    expect(row.state).toBe('queued');
  });

  it('checks no Origin on Bearer requests, nor on cookie reads', async () => {
    const script = await call(
      submitRoute,
      request('/api/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, ...json },
        body: JSON.stringify(job()),
      }),
    );
    expect(script.status).toBe(201);
    const read = await call(meRoute, request('/api/me', { headers: fromBrowser() }));
    expect(read.status).toBe(200);
  });
});

describe('text no field may hold', () => {
  const bearerJson = () => ({ authorization: `Bearer ${bearer}`, ...json });

  it('answers 400 naming the field for NUL in a body, storing nothing', async () => {
    const res = await call(
      tokenRoute,
      request('/api/tokens', { method: 'POST', headers: bearerJson(), body: JSON.stringify({ name: 'a\u0000b' }) }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ field: 'name', message: 'Text must not contain NUL characters' }]);
  });

  it('answers 400 naming the nested field for a lone surrogate, storing nothing', async () => {
    const body = job({ spec: { image: 'ghcr.io/acme/train:1.4', command: ['python'], args: ['--tag', 'x\ud800'] } });
    const res = await call(
      submitRoute,
      request('/api/jobs', { method: 'POST', headers: bearerJson(), body: JSON.stringify(body) }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([
      { field: 'spec.args[1]', message: 'Text must not contain unpaired UTF-16 surrogates' },
    ]);
    expect(await testDb().db.select().from(jobs).where(eq(jobs.name, body.name))).toHaveLength(0);
  });

  it('answers 400 for NUL in a query string and in a path parameter', async () => {
    const query = await call(listJobsRoute, request('/api/jobs?team=a%00b', { headers: bearerJson() }));
    expect(query.status).toBe(400);
    expect((await query.json()).errors).toEqual([{ field: 'team', message: 'Text must not contain NUL characters' }]);
    const param = await call(stepLogRoute, request('/api/jobs/1/steps/x%00/logs', { headers: bearerJson() }), {
      id: '1',
      nodeId: 'x\u0000',
    });
    expect(param.status).toBe(400);
    expect((await param.json()).errors).toEqual([{ field: 'nodeId', message: 'Text must not contain NUL characters' }]);
  });

  it("holds on the node:http path too (POST /api/jobs without Next's router)", async () => {
    const server = http.createServer((req, res) => void serveRoute(submitRoute as never, req, res, ORIGIN));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/jobs`;
      const nul = await fetch(url, {
        method: 'POST',
        headers: bearerJson(),
        body: JSON.stringify(job({ name: 'nul\u0000' })),
      });
      expect(nul.status).toBe(400);
      expect((await nul.json()).errors).toEqual([{ field: 'name', message: 'Text must not contain NUL characters' }]);
      const crossSite = await fetch(url, {
        method: 'POST',
        headers: fromBrowser({ origin: 'http://127.0.0.1:4000', 'content-type': 'text/plain' }),
        body: JSON.stringify(job()),
      });
      expect(crossSite.status).toBe(403);
      expect(crossSite.headers.get('x-content-type-options')).toBe('nosniff');
      expect(crossSite.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('ids are plain decimal', () => {
  it('answers /api/jobs/<hex of a real id> with 400, never that job', async () => {
    const created = await call(
      submitRoute,
      request('/api/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, ...json },
        body: JSON.stringify(job()),
      }),
    );
    const id = Number((await created.json()).id);
    const auth = { authorization: `Bearer ${bearer}` };
    expect((await call(getJobRoute, request(`/api/jobs/${id}`, { headers: auth }), { id: String(id) })).status).toBe(
      200,
    );
    for (const spelling of [`0x${id.toString(16)}`, `${id}.0`, ` ${id}`, `0${id}`, `${id / 10}e1`]) {
      const res = await call(getJobRoute, request(`/api/jobs/${encodeURIComponent(spelling)}`, { headers: auth }), {
        id: spelling,
      });
      expect(res.status, spelling).toBe(400);
      expect((await res.json()).errors).toEqual([{ field: 'id', message: 'Not a job id' }]);
    }
  });
});

describe('unknown API paths', () => {
  it('answer 404 problem JSON for any method, with the API headers', async () => {
    for (const [handler, method] of [
      [unknownApi, 'GET'],
      [unknownApiPost, 'POST'],
    ] as const) {
      const res = await call(handler, request('/api/no-such-thing', { method }), { path: ['no-such-thing'] });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.json()).toMatchObject({ status: 404, title: 'Not Found', requestId: expect.any(String) });
    }
  });
});

describe('the per-user cap on queued jobs', () => {
  it('answers 429 problem JSON at the default cap (1,000), and takes jobs again once one leaves the queue', async () => {
    const ctx = {
      db: testDb().db,
      actor: { id: '', email: '', name: '', role: 'admin' as const, via: 'system' as const },
      log: logger(),
    };
    const team = await makeTeam(ctx);
    const flooder = await makeUser(ctx, { role: 'researcher', teamId: team.id });
    createdUsers.push(flooder.id);
    const { token } = await createToken({ ctx: { ...ctx, actor: flooder }, input: { name: 'cap test' } });
    expect(env().GANTRY_MAX_QUEUED_JOBS_PER_USER).toBe(1_000);
    await testDb().db.execute(sql`
      insert into ${jobs} (name, kind, team_id, user_id, priority, gpu_kind, gpu_count, expected_runtime_seconds, max_runtime_seconds, spec)
      select 'filler-' || i, 'training', ${team.id}, ${flooder.id}, 'low', 't4', 1, 60, 120, '{}'::jsonb from generate_series(1, 999) i`);
    const post = () =>
      call(
        submitRoute,
        request('/api/jobs', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, ...json },
          body: JSON.stringify(job({ team: team.slug })),
        }),
      );

    expect((await post()).status).toBe(201); // the 1,000th
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
      code: 'TOO_MANY_REQUESTS',
      detail: expect.stringContaining('1,000 queued jobs'),
    });
    expect(await queuedJobsOf(flooder.id)).toBe(1_000);

    await testDb().db.execute(
      sql`update ${jobs} set state = 'cancelled' where id = (select min(id) from ${jobs} where user_id = ${flooder.id})`,
    );
    expect((await post()).status).toBe(201);
    expect(await queuedJobsOf(flooder.id)).toBe(1_000);
  });

  it('holds the cap when most submissions take a place of a remembered room instead of counting', async () => {
    const ctx = {
      db: testDb().db,
      actor: { id: '', email: '', name: '', role: 'admin' as const, via: 'system' as const },
      log: logger(),
    };
    const team = await makeTeam(ctx);
    const user = await makeUser(ctx, { role: 'researcher', teamId: team.id });
    createdUsers.push(user.id);
    const deps = { gpuKinds: async () => null, gpuNodes: async () => [], maxQueuedPerUser: 20 };
    const outcomes: string[] = [];
    for (let i = 0; i < 24; i++) {
      outcomes.push(
        await submitJob({ ctx: { ...ctx, actor: user }, input: job({ team: team.slug }) }, deps).then(
          () => 'stored',
          (e: AppError) => e.code,
        ),
      );
    }
    expect(outcomes).toEqual([...Array(20).fill('stored'), ...Array(4).fill('TOO_MANY_REQUESTS')]);
    expect(await queuedJobsOf(user.id)).toBe(20);
  });

  it('counts the jobs of one batch together: of 7 concurrent submissions under a cap of 4, 4 are stored', async () => {
    const ctx = {
      db: testDb().db,
      actor: { id: '', email: '', name: '', role: 'admin' as const, via: 'system' as const },
      log: logger(),
    };
    const team = await makeTeam(ctx);
    const user = await makeUser(ctx, { role: 'researcher', teamId: team.id });
    createdUsers.push(user.id);
    const deps = { gpuKinds: async () => null, gpuNodes: async () => [], maxQueuedPerUser: 4 };
    const answers = await Promise.allSettled(
      Array.from({ length: 7 }, () =>
        submitJob({ ctx: { ...ctx, actor: user }, input: job({ team: team.slug }) }, deps),
      ),
    );
    const refused = answers.filter((a) => a.status === 'rejected').map((a) => a.reason);
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(4);
    expect(refused).toHaveLength(3);
    for (const e of refused) expect(e).toMatchObject({ code: 'TOO_MANY_REQUESTS' } satisfies Partial<AppError>);
    expect(await queuedJobsOf(user.id)).toBe(4);
    const [{ n }] = await testDb()
      .db.select({ n: sql<number>`count(*)::int` })
      .from(jobEvents)
      .innerJoin(jobs, eq(jobs.id, jobEvents.jobId))
      .where(eq(jobs.userId, user.id));
    expect(n).toBe(4);
  });
});

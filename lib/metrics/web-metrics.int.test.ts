// GET /metrics as the web server answers it (web/server.ts: the client address stamped from the
// socket, /metrics before Next, POST /api/jobs by the same route handler Next serves), over real
// HTTP against a real database: a counted request, queue depth for a submitted job, and who may read.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as submitJobRoute } from '@/app/api/jobs/route';
import { GET as getJobRoute } from '@/app/api/jobs/[id]/route';
import { jobs } from '@/lib/db/schema';
import { CLIENT_ADDRESS_HEADER, stampClientAddress } from '@/lib/http/client-address';
import { serveRoute } from '@/lib/http/node-adapter';
import { logger } from '@/lib/log';
import { createToken } from '@/lib/server/tokens/create-token';
import { testDb } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { parseExposition } from './exposition.test-util';
import { installWebMetrics } from './processes';
import { serveMetrics } from './serve';

const METRICS_TOKEN = 'metrics-token-for-the-int-test';
let open: http.Server;
let guarded: http.Server;
let openUrl = '';
let guardedUrl = '';
let token = '';
let teamSlug = '';
let userId = '';

/** web/server.ts's dispatch; `proxyHops` 1 lets a test say which client it is with X-Forwarded-For. */
function webServer(metricsToken: string | undefined, proxyHops: number): http.Server {
  let origin = '';
  const server = http.createServer((req, res) => {
    stampClientAddress(req, proxyHops);
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/metrics')
      return void serveMetrics(req, res, {
        token: metricsToken,
        clientAddress: req.headers[CLIENT_ADDRESS_HEADER] as string | undefined,
      });
    if (req.method === 'POST' && pathname === '/api/jobs') return void serveRoute(submitJobRoute, req, res, origin);
    res.writeHead(404).end();
  });
  server.once('listening', () => (origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  return server;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const ctx = {
    db: testDb().db,
    actor: { id: '', email: '', name: '', role: 'admin' as const, via: 'system' as const },
    log: logger(),
  };
  const team = await makeTeam(ctx);
  teamSlug = team.slug;
  const user = await makeUser(ctx, { role: 'researcher', teamId: team.id });
  userId = user.id;
  ({ token } = await createToken({ ctx: { ...ctx, actor: user }, input: { name: 'metrics test' } }));
  installWebMetrics(() => testDb().db);
  open = webServer(undefined, 1);
  guarded = webServer(METRICS_TOKEN, 0);
  [openUrl, guardedUrl] = await Promise.all([listen(open), listen(guarded)]);
});

afterAll(async () => {
  await Promise.all([open, guarded].map((s) => new Promise((resolve) => s.close(resolve))));
  await testDb().db.delete(jobs).where(eq(jobs.userId, userId));
});

describe('GET /metrics on the web server', () => {
  it('shows the request just served, by route pattern and status, and the queued job by team, kind and state', async () => {
    const submitted = await fetch(`${openUrl}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'metrics-job',
        kind: 'training',
        team: teamSlug,
        priority: 'normal',
        gpu: { kind: 't4', count: 1 },
        expectedRuntimeSeconds: 600,
        maxRuntimeSeconds: 1200,
        spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
      }),
    });
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    // A route with a path parameter, called as Next calls it: the label is the pattern, not the id.
    const viewed = await getJobRoute(
      new NextRequest(`${openUrl}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({ id }) },
    );
    expect(viewed.status).toBe(200);

    const res = await fetch(`${openUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const m = parseExposition(text);
    expect(
      m.count('gantry_http_request_duration_seconds', { route: '/api/jobs', method: 'POST', status: '201' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      m.count('gantry_http_request_duration_seconds', { route: '/api/jobs/[id]', method: 'GET', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(m.labels('gantry_http_request_duration_seconds_count').some((l) => l.route?.includes(id))).toBe(false);
    expect(m.value('gantry_queue_jobs', { team: teamSlug, gpu_kind: 't4', state: 'queued' })).toBe(1);
    expect(m.value('gantry_db_up')).toBe(1);
    expect(m.value('gantry_db_pool_connections', { state: 'open' })).toBeGreaterThanOrEqual(1);
    expect(m.value('gantry_db_errors_total', { kind: 'refused' })).toBe(0);
    expect(m.value('process_resident_memory_bytes', { component: 'web' })).toBeGreaterThan(0);
  });

  it('without a token set: 404 for a client that is not on loopback, nothing about the series', async () => {
    const res = await fetch(`${openUrl}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('gantry_');
    // a client's own claim to the stamped header is replaced by what the socket says
    const spoofed = await fetch(`${openUrl}/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9', [CLIENT_ADDRESS_HEADER]: '127.0.0.1' },
    });
    expect(spoofed.status).toBe(404);
  });

  it('without a token set: 404 for a request a proxy forwarded, though the proxy itself is on loopback', async () => {
    // A reverse proxy on the same host with GANTRY_TRUSTED_PROXY_HOPS left at 0: every client's
    // socket address is the proxy's 127.0.0.1, so "loopback" alone would publish the series.
    const local = webServer(undefined, 0);
    const localUrl = await listen(local);
    try {
      for (const header of [
        { 'x-forwarded-for': '203.0.113.9' },
        { forwarded: 'for=203.0.113.9' },
        { 'x-real-ip': '203.0.113.9' },
      ] as Array<Record<string, string>>) {
        const res = await fetch(`${localUrl}/metrics`, { headers: header });
        expect(res.status, JSON.stringify(header)).toBe(404);
        expect(await res.text()).not.toContain('gantry_');
      }
      // a scraper on this host, asking itself, still reads them
      expect((await fetch(`${localUrl}/metrics`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => local.close(resolve));
    }
  });

  it('with a token set: 401 problem JSON without it or with another, 200 with it, from loopback too', async () => {
    const none = await fetch(`${guardedUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect((await fetch(`${guardedUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const ok = await fetch(`${guardedUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(parseExposition(await ok.text()).families.some((f) => f.name === 'gantry_queue_jobs')).toBe(true);
  });
});

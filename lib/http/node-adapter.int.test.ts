// POST /api/jobs as the production web server answers it: the App Router handler served straight
// from node:http (web/server.ts), over real HTTP with kept-alive sockets and a real database.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as submitJobRoute } from '@/app/api/jobs/route';
import { jobs } from '@/lib/db/schema';
import { logger } from '@/lib/log';
import { createToken } from '@/lib/server/tokens/create-token';
import { testDb } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { MAX_BODY_BYTES, serveRoute } from './node-adapter';

const agent = new http.Agent({ keepAlive: true });
let server: http.Server;
let origin = '';
let token = '';
let teamSlug = '';
let userId = '';

function post(
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${origin}/api/jobs`,
      { agent, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const job = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: `node-adapter-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'training',
    team: teamSlug,
    priority: 'normal',
    gpu: { kind: 't4', count: 1 },
    expectedRuntimeSeconds: 600,
    maxRuntimeSeconds: 1200,
    spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
    ...over,
  });

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
  ({ token } = await createToken({ ctx: { ...ctx, actor: user }, input: { name: 'node-adapter test' } }));
  server = http.createServer((req, res) => void serveRoute(submitJobRoute, req, res, origin));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  // These jobs were committed through the real handler; other suites start from an empty users table.
  await testDb().db.delete(jobs).where(eq(jobs.userId, userId));
});

describe('route handlers served from node:http', () => {
  it('queues a job: 201 with the stored job, the request id echoed', async () => {
    const res = await post(job(), { authorization: `Bearer ${token}`, 'x-request-id': 'node-adapter-1' });
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('node-adapter-1');
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json).toMatchObject({ state: 'queued', team: teamSlug });
    const [row] = await testDb()
      .db.select()
      .from(jobs)
      .where(eq(jobs.id, Number(res.json.id)));
    expect(row).toMatchObject({ state: 'queued', gpuKind: 't4', gpuCount: 1 });
  });

  it('answers 400 naming each bad field and stores nothing', async () => {
    const name = `bad-${Math.random().toString(36).slice(2, 8)}`;
    const res = await post(job({ name, gpu: { kind: 't4', count: 0 }, maxRuntimeSeconds: 'long' }), {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = (res.json.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['gpu.count', 'maxRuntimeSeconds']));
    expect(await testDb().db.select().from(jobs).where(eq(jobs.name, name))).toHaveLength(0);
  });

  it('answers 401 problem JSON without credentials', async () => {
    const res = await post(job());
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('answers 413 for a body over the limit, before authenticating', async () => {
    const res = await post(job({ spec: { image: 'x', command: ['y'], args: ['z'.repeat(MAX_BODY_BYTES)] } }), {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ status: 413, title: 'Content Too Large' });
  });

  it('serves many concurrent submissions on kept-alive sockets, each stored once', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `burst-${i}-${Math.random().toString(36).slice(2, 8)}`);
    const answers = await Promise.all(names.map((name) => post(job({ name }), { authorization: `Bearer ${token}` })));
    expect(answers.map((a) => a.status)).toEqual(names.map(() => 201));
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(40);
    expect(answers.map((a) => a.json.name)).toEqual(names);
  });
});

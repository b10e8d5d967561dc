// Database outages (issue 14, point 3): PostgreSQL stopped (fast shutdown) and killed (kill -9) under
// a running web process and worker, each a process of its own (tests/outage-rig.ts), while the API
// is called. During the outage every call answers 503 problem JSON with Retry-After and readyz names
// the database; afterwards the same calls answer again, a job submitted then is admitted, both
// processes are still the ones started, and neither printed an uncaught error or answered a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOutageRig, type OutageRig } from './outage-rig';
import { trainingJob } from './training-job';

let rig: OutageRig;

beforeAll(async () => {
  rig = await startOutageRig({ web: 'routes' });
}, 180_000);

afterAll(async () => {
  await rig?.stop();
}, 60_000);

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${rig.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${rig.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    contentType: res.headers.get('content-type'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const job = (name: string) => ({ ...trainingJob(name, { simSeconds: 3600 }), team: 'vision', priority: 'normal' });

/** Polls `check` until it returns a value (bounded by the test's own timeout). */
async function until<T>(check: () => Promise<T | null>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const workerWaits = (count: number) =>
  until(async () =>
    (rig.output().worker.match(/database unavailable; loop waits for it/g)?.length ?? 0) >= count ? true : null,
  );

async function expectUnavailable() {
  for (const [method, path, body] of [
    ['GET', '/api/me'],
    ['POST', '/api/jobs', job('during-the-outage')],
    ['GET', '/api/jobs/1'],
  ] as const) {
    const answer = await call(method, path, body);
    expect({
      route: `${method} ${path}`,
      status: answer.status,
      retryAfter: answer.retryAfter,
      contentType: answer.contentType,
    }).toEqual({
      route: `${method} ${path}`,
      status: 503,
      retryAfter: '5',
      contentType: 'application/problem+json',
    });
    expect(answer.body).toMatchObject({
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      type: 'https://gantry.dev/problems/database-unavailable',
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/select|insert|127\.0\.0\.1|ECONN/i);
  }
  const ready = await call('GET', '/api/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({
    ready: false,
    down: ['database'],
    checks: { database: { ok: false, reason: expect.any(String) }, cluster: { ok: true } },
  });
}

async function expectServedAndAdmitted(name: string) {
  await until(async () => ((await call('GET', '/api/readyz')).status === 200 ? true : null));
  expect((await call('GET', '/api/me')).status).toBe(200);
  const submitted = await call('POST', '/api/jobs', job(name));
  expect(submitted.status).toBe(201);
  const admitted = await until(async () => {
    const { body } = await call('GET', `/api/jobs/${String(submitted.body.id)}`);
    return body.state === 'queued' ? null : body.state;
  });
  expect(['admitted', 'submitted', 'running']).toContain(admitted);
}

describe('PostgreSQL goes away under the web process and the worker', () => {
  it(
    'answers 503 with Retry-After while it is down, and serves and admits again once it is back',
    { timeout: 300_000 },
    async () => {
      await expectServedAndAdmitted('before-the-outages');

      await rig.stopDatabase();
      await expectUnavailable();
      await workerWaits(1);
      await rig.startDatabase();
      await expectServedAndAdmitted('after-a-fast-shutdown');

      const waitsBefore = rig.output().worker.match(/database unavailable; loop waits for it/g)?.length ?? 0;
      await rig.killDatabase();
      await expectUnavailable();
      await workerWaits(waitsBefore + 1);
      await rig.startDatabase();
      await expectServedAndAdmitted('after-kill-9');

      expect(rig.exited()).toBeNull();
      const { web, worker } = rig.output();
      for (const [name, text] of [
        ['web', web],
        ['worker', worker],
      ]) {
        expect(text, `${name} output`).not.toMatch(/uncaught|unhandled|TypeError|"level":"(error|fatal)"/i);
      }
      expect(web).not.toMatch(/"status":500/);
      expect(worker).toMatch(/database back; loop resumed/);
    },
  );
});

// The worker's metrics server over real HTTP, with loops running against a real database: loop
// series after a run, liveness, and the token rule.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type DbHandle } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { parseExposition } from '@/lib/metrics/exposition.test-util';
import { installWorkerMetrics } from '@/lib/metrics/processes';
import { startLoops, type LoopRunner } from './loop';
import { startWorkerMetricsServer, type WorkerMetricsServer } from './metrics-server';

const TOKEN = 'worker-metrics-token-for-tests';
const name = `metrics-${Date.now()}`;
let handle: DbHandle;
let runner: LoopRunner;
let server: WorkerMetricsServer;
let runs = 0;
let ran: () => void;
const firstRuns = new Promise<void>((resolve) => (ran = resolve));

beforeAll(async () => {
  handle = createDb(inject('databaseUrl'), { max: 2 });
  installWorkerMetrics();
  const log = logger();
  server = await startWorkerMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN, log });
  runner = startLoops(
    [
      {
        name,
        intervalMs: 10,
        jitter: 0,
        async run() {
          runs += 1;
          if (runs === 2) throw new Error('one failed run');
          if (runs >= 3) ran();
        },
      },
    ],
    { ...handle, log, holder: 'metrics-test' },
  );
});

afterAll(async () => {
  await runner?.stop();
  await server?.close();
  await handle?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

describe("the worker's metrics server", () => {
  it('shows loop runs by result, their durations and the last success after the loop ran', async () => {
    await firstRuns;
    const res = await get('/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = parseExposition(await res.text());
    expect(m.value('gantry_worker_loop_runs_total', { loop: name, result: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(m.value('gantry_worker_loop_runs_total', { loop: name, result: 'error' })).toBe(1);
    expect(m.count('gantry_worker_loop_duration_seconds', { loop: name })).toBeGreaterThanOrEqual(3);
    const lastSuccess = m.value('gantry_worker_loop_last_success_timestamp_seconds', { loop: name });
    expect(lastSuccess).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(m.value('gantry_db_up')).toBe(1);
    expect(m.value('process_resident_memory_bytes', { component: 'worker' })).toBeGreaterThan(0);
  });

  it('answers /healthz 200 while its loops run', async () => {
    await firstRuns;
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses /metrics without the token (401 problem JSON) and answers 404 elsewhere', async () => {
    const none = await get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await get('/metrics', { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect((await get('/nothing')).status).toBe(404);
  });

  it('listens on loopback only when no token is set, whatever host it was given', async () => {
    const local = await startWorkerMetricsServer({ host: '0.0.0.0', port: 0, token: undefined, log: logger() });
    try {
      expect(new URL(local.url).hostname).toBe('127.0.0.1');
      expect((await fetch(`${local.url}/metrics`)).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});

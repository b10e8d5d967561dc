import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.test-util';
import { metrics } from './registry';
import { answerMetrics, isLoopback, metricsAccess } from './serve';

const TOKEN = 'a-metrics-token-of-32-characters';

describe('metricsAccess', () => {
  it('with a token: only that Bearer token, from any address', () => {
    expect(metricsAccess({ token: TOKEN, authorization: `Bearer ${TOKEN}`, clientAddress: '203.0.113.9' })).toBe(
      'allowed',
    );
    expect(metricsAccess({ token: TOKEN, authorization: `bearer ${TOKEN}`, clientAddress: null })).toBe('allowed');
    expect(metricsAccess({ token: TOKEN, authorization: undefined, clientAddress: '127.0.0.1' })).toBe('unauthorized');
    expect(metricsAccess({ token: TOKEN, authorization: `Bearer ${TOKEN}x`, clientAddress: '127.0.0.1' })).toBe(
      'unauthorized',
    );
    expect(metricsAccess({ token: TOKEN, authorization: TOKEN, clientAddress: '127.0.0.1' })).toBe('unauthorized');
    expect(metricsAccess({ token: TOKEN, authorization: 'Bearer ', clientAddress: '127.0.0.1' })).toBe('unauthorized');
  });

  it('without a token: loopback clients only; others are not told the endpoint exists', () => {
    for (const address of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1']) {
      expect(metricsAccess({ token: undefined, authorization: undefined, clientAddress: address })).toBe('allowed');
    }
    for (const address of ['10.0.0.7', '203.0.113.9', '::ffff:10.0.0.7', 'fe80::1', '', null, undefined]) {
      expect(metricsAccess({ token: undefined, authorization: `Bearer ${TOKEN}`, clientAddress: address })).toBe(
        'hidden',
      );
    }
    expect(isLoopback('1127.0.0.1')).toBe(false);
  });

  it('without a token: not a request a proxy forwarded, even from loopback; with one, the token decides', () => {
    expect(
      metricsAccess({ token: undefined, authorization: undefined, clientAddress: '127.0.0.1', forwarded: true }),
    ).toBe('hidden');
    expect(
      metricsAccess({ token: TOKEN, authorization: `Bearer ${TOKEN}`, clientAddress: '127.0.0.1', forwarded: true }),
    ).toBe('allowed');
  });
});

describe('answerMetrics', () => {
  it('answers the exposition in the Prometheus text format, with Gantry series', async () => {
    metrics().httpDuration.observe({ route: '/api/jobs/[id]', method: 'GET', status: '200' }, 0.012);
    const answer = await answerMetrics({ method: 'GET', access: 'allowed' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(answer.body);
    expect(
      parsed.count('gantry_http_request_duration_seconds', { route: '/api/jobs/[id]', method: 'GET', status: '200' }),
    ).toBe(1);
    const names = parsed.families.map((f) => f.name);
    for (const name of [
      'gantry_queue_jobs',
      'gantry_cluster_gpus',
      'gantry_scheduler_admissions_total',
      'gantry_scheduler_preemptions_total',
      'gantry_job_failures_total',
      'gantry_scheduler_pass_duration_seconds',
      'gantry_scheduler_decision_latency_seconds',
      'gantry_telemetry_scrapes_total',
      'gantry_worker_loop_runs_total',
      'gantry_worker_loop_duration_seconds',
      'gantry_http_request_duration_seconds',
      'gantry_db_pool_connections',
      'gantry_db_errors_total',
    ]) {
      expect(answer.body).toContain(`# TYPE ${name} `);
    }
    expect(names).toContain('gantry_http_request_duration_seconds');
  });

  it('refuses without leaking: 401 problem JSON with a challenge, 404 when hidden, 405 for other methods', async () => {
    const unauthorized = await answerMetrics({ method: 'GET', access: 'unauthorized' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers['content-type']).toBe('application/problem+json');
    expect(unauthorized.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(JSON.parse(unauthorized.body)).toMatchObject({ status: 401, title: 'Unauthorized' });
    const hidden = await answerMetrics({ method: 'GET', access: 'hidden' });
    expect(hidden.status).toBe(404);
    expect(hidden.body).not.toContain('gantry_');
    expect((await answerMetrics({ method: 'POST', access: 'allowed' })).status).toBe(405);
  });
});

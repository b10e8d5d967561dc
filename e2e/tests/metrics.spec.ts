// Gantry's own metrics as `npm start` serves them: GET /metrics on the web port, from loopback (no
// GANTRY_METRICS_TOKEN here). The requests are answered by Next's bundle (GET /api/jobs/[id]) and
// by web/server.ts directly (POST /api/jobs), two copies of the route wrapper in one process: both
// must land in the one registry /metrics serves.
import { parseExposition } from '../../lib/metrics/exposition.test-util';
import { trainingJob } from '../../tests/training-job';
import { DEMO_PASSWORD, expect, FROM_GANTRY_PAGE, signIn, submitJob, test } from '../fixtures/test';

test('GET /metrics shows the requests just served and the submitted job in the queue', async ({ page }) => {
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const { id, team } = await submitJob(
    page,
    trainingJob(`metrics-${Date.now().toString(36)}`, {
      simSeconds: 1200,
      expectedRuntimeSeconds: 1200,
      maxRuntimeSeconds: 7200,
    }),
  );
  expect((await page.request.get(`/api/jobs/${id}`)).status()).toBe(200);

  const scrape = async () => {
    const res = await page.request.get('/metrics');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await res.text());
  };
  const first = await scrape();
  expect(
    first.count('gantry_http_request_duration_seconds', { route: '/api/jobs', method: 'POST', status: '201' }),
  ).toBeGreaterThanOrEqual(1);
  expect(
    first.count('gantry_http_request_duration_seconds', { route: '/api/jobs/[id]', method: 'GET', status: '200' }),
  ).toBeGreaterThanOrEqual(1);
  expect(first.labels('gantry_http_request_duration_seconds_count').some((l) => l.route?.includes(id))).toBe(false);
  expect(first.value('gantry_db_up')).toBe(1);
  expect(first.value('process_resident_memory_bytes', { component: 'web' })).toBeGreaterThan(0);
  // The queue is read at most every 5 s: the job shows up in some unfinished state of its team.
  await expect
    .poll(
      async () =>
        (await scrape()).labels('gantry_queue_jobs').filter((l) => l.team === team && l.gpu_kind === 'a100-80gb-shared')
          .length,
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(1);

  expect((await page.request.post(`/api/jobs/${id}/cancel`, { headers: FROM_GANTRY_PAGE })).ok()).toBe(true);
});

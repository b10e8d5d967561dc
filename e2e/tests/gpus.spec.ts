import { E2E } from '../../playwright.config';
import { trainingJob } from '../../tests/training-job';
import {
  DEMO_PASSWORD,
  expect,
  signIn,
  submitJob,
  test,
  FROM_GANTRY_PAGE,
  waitForPoolReadings,
} from '../fixtures/test';

interface GpuDevice {
  key: string;
  pool: string | null;
  last: { util: number | null } | null;
}

test('an admin sees pools, live utilization charts, the heatmap, idle GPUs and usage with CSV', async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await waitForPoolReadings(page);
  const gpus = (await (await page.request.get('/api/telemetry/gpus?pool=batch-embedding')).json()) as GpuDevice[];
  expect(gpus.length).toBe(16);
  expect(gpus.every((g) => g.pool === 'batch-embedding' && g.last !== null)).toBe(true);

  await page.goto('/gpus');
  const pools = page.getByTestId('pool-row');
  await expect(pools.first()).toBeVisible();
  await expect(pools.filter({ hasText: 'training' }).first()).toContainText(/\d+ \/ \d+/);

  const poolChart = page.getByTestId('series-chart').first();
  await expect(poolChart).toContainText('Pool batch-embedding');
  // a line through at least two points (an idle pool's line is flat, so check the path, not its box)
  await expect(poolChart.locator('.recharts-line-curve')).toHaveAttribute('d', /^M[\d.]+,[\d.]+[LC]/);
  await expect(poolChart).toContainText('16 GPUs');

  await expect(page.getByTestId('pool-heatmap')).toBeVisible();

  // Clicking a GPU charts that GPU alone
  const firstGpu = page.getByTestId('gpu-row').first();
  await firstGpu.getByRole('button').nth(1).click();
  const gpuChart = page.getByTestId('series-chart').nth(1);
  await expect(gpuChart).toContainText('GPU ');
  await expect(gpuChart.locator('.recharts-line-curve')).toHaveAttribute('d', /^M[\d.]+,[\d.]+[LC]/);
  await gpuChart.getByRole('tab', { name: 'Power' }).click();
  await expect(gpuChart).toContainText('points from raw 10 s samples');

  // Another pool and another range
  await page.getByRole('tab', { name: 'training', exact: true }).click();
  await expect(page.getByTestId('series-chart').first()).toContainText('Pool training');
  // the first range selector is the pool charts'; the team card has its own
  await page.getByRole('radio', { name: '24h' }).first().click();
  await expect(page.getByRole('radio', { name: '24h' }).first()).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('series-chart').first()).toContainText(/points from|No readings/);

  await expect(page.getByTestId('idle-gpus')).toContainText('under 5 % utilization for 30 minutes');
  await expect(page.getByTestId('usage')).toBeVisible();
  const csv = await page.request.get('/api/telemetry/usage?period=day&groupBy=team&format=csv');
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect((await csv.text()).split('\n')[0]).toBe(
    'period,periodStart,team,user,gpuKind,allocatedGpuHours,measuredGpuHours,usedGpuHours,utilization,pricePerGpuHour,cost,idleCost',
  );

  // Admin settings: a bad value is named, a good one changes the idle list's wording
  const form = page.getByRole('form', { name: 'Telemetry settings' });
  await form.getByLabel('Idle window (minutes)').fill('0');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByText('At least 1 minute')).toBeVisible();
  await form.getByLabel('Idle window (minutes)').fill('2');
  await form.getByLabel('Price per GPU-hour (kind=price, …)').fill('t4=0.6');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('idle-gpus')).toContainText('for 2 minutes');
});

test("a researcher charts their own team's GPUs over time, and no other team", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  // A training step of 1,200 simulated seconds (about a minute at speed 20) holds one GPU for vision.
  const { id } = await submitJob(
    page,
    trainingJob(`team-chart-${Date.now().toString(36)}`, {
      simSeconds: 1200,
      expectedRuntimeSeconds: 1200,
      maxRuntimeSeconds: 7200,
    }),
  );
  // Two scrapes that saw the job's pod make a line.
  await expect
    .poll(
      async () => {
        const res = await page.request.get('/api/telemetry/series?scope=team&id=vision&range=1h&metric=util');
        return res.ok() ? ((await res.json()) as { points: unknown[] }).points.length : -1;
      },
      { timeout: 75_000 },
    )
    .toBeGreaterThanOrEqual(2);
  const other = await page.request.get('/api/telemetry/series?scope=team&id=nlp&range=1h');
  expect(other.status()).toBe(403);
  expect(((await other.json()) as { detail: string }).detail).toContain('vision');

  await page.goto('/gpus');
  const card = page.getByTestId('team-charts');
  const select = card.getByLabel('Team');
  await expect(select.locator('option')).toHaveText(['vision']);
  const chart = card.getByTestId('series-chart');
  await expect(chart).toContainText('Team vision');
  await expect(chart.locator('.recharts-line-curve')).toHaveAttribute('d', /^M[\d.]+,[\d.]+[LC]/);
  await expect(chart).toContainText(/[1-9]\d* GPUs? · \d+ points from raw 10 s samples · mean/);
  await card.getByRole('radio', { name: '7d' }).click();
  await expect(chart).toContainText(/points from (1m|1h) rollups|No readings/);
  await chart.getByRole('tab', { name: 'Memory used' }).click();
  await expect(chart.getByRole('tab', { name: 'Memory used' })).toHaveAttribute('aria-selected', 'true');

  expect((await page.request.post(`/api/jobs/${id}/cancel`, { headers: FROM_GANTRY_PAGE })).ok()).toBe(true);
});

import fs from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD, expect, signIn, test, FROM_GANTRY_PAGE } from '../fixtures/test';

// The demo import reads the published tables in place; without them this journey cannot run.
const referenceDir = path.resolve(
  process.env.GANTRY_REFERENCE_DIR ?? '../shared/reference',
  'benchmarks',
  'optimum-benchmark',
);
const hasReference = fs.existsSync(referenceDir);

test.describe('benchmark rankings', () => {
  test.skip(!hasReference, `NOT RUN: reference data absent at ${referenceDir} (set GANTRY_REFERENCE_DIR)`);

  test('import a demo dataset, re-rank with weights, share the ranking, revoke the link', async ({
    page,
    browser,
    baseURL,
  }) => {
    await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
    await page.goto('/benchmarks');
    await page.getByRole('button', { name: 'Import demo data: optimum-benchmark' }).click();
    await expect(page.getByRole('heading', { name: /optimum-benchmark/ })).toBeVisible();
    await expect(page.getByTestId('recommendation').first()).toBeVisible();
    await expect(page.getByTestId('result-row').first()).toBeVisible();
    await expect(page.getByTestId('pareto-scatter')).toBeVisible();

    // Re-ranking happens in the browser: the top pick follows the weights.
    const slider = (label: string) => page.getByRole('slider', { name: `Weight of ${label}` });
    const top = page.getByTestId('recommendation-label').first();
    await slider('TTFT mean').focus();
    await page.keyboard.press('Home');
    await slider('end-to-end latency mean').focus();
    await page.keyboard.press('Home');
    await slider('throughput').focus();
    await page.keyboard.press('End');
    await expect(page.getByTestId('weight-share-tokensPerSecond')).toHaveText('100%');
    const throughputFirst = (await top.textContent())!;

    await slider('throughput').focus();
    await page.keyboard.press('Home');
    await slider('TTFT mean').focus();
    await page.keyboard.press('End');
    await slider('end-to-end latency mean').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('weight-share-ttftMeanMs')).toHaveText('91%');
    await expect(top).not.toHaveText(throughputFirst);
    const latencyFirst = (await top.textContent())!;

    await page.getByLabel('Title').fill('E2E latency pick');
    await page.getByRole('button', { name: 'Create share link' }).click();
    const url = (await page.getByTestId('share-url').getAttribute('href'))!;
    expect(url).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/);

    // A fresh, signed-out browser sees the exact weights and the same top pick.
    const anon = await browser.newContext();
    const visitor = await anon.newPage();
    const res = await visitor.goto(url);
    expect(res!.status()).toBe(200);
    await expect(visitor.getByRole('heading', { name: 'E2E latency pick' })).toBeVisible();
    const weights = visitor.getByTestId('shared-weight');
    await expect(weights.filter({ hasText: 'TTFT mean' })).toContainText('weight 10 (91%)');
    await expect(weights.filter({ hasText: 'end-to-end latency mean' })).toContainText('weight 1 (9%)');
    await expect(weights.filter({ hasText: 'throughput' })).toContainText('weight 0 (0%)');
    await expect(visitor.getByTestId('shared-recommendation').first()).toContainText(latencyFirst);
    await expect(visitor.getByTestId('pareto-scatter')).toBeVisible();
    await expect(visitor).toHaveTitle(/E2E latency pick/);
    const ogImage = await visitor.locator('meta[property="og:image"]').getAttribute('content');
    // Absolute, on the address the link was opened at: what chat apps fetch to unfurl it.
    expect(ogImage!.startsWith(`${baseURL}${new URL(url).pathname}/opengraph-image`)).toBe(true);
    const image = await anon.request.get(ogImage!);
    expect(image.status()).toBe(200);
    expect(image.headers()['content-type']).toContain('image/png');

    await page.getByRole('button', { name: 'Revoke share E2E latency pick' }).click();
    await expect(page.getByTestId('share-row').filter({ hasText: 'E2E latency pick' })).toContainText('revoked');
    const gone = await visitor.goto(url);
    expect(gone!.status()).toBe(404);
    await expect(visitor.getByText('This share link does not exist')).toBeVisible();
    await anon.close();
  });

  test('a 2,240-row MLPerf table pages, filters and sorts; a viewer can look but not import or share', async ({
    page,
    browser,
  }) => {
    await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
    await page.goto('/benchmarks');
    await page.getByRole('button', { name: 'Import demo data: MLPerf Inference v4.1' }).click();
    await expect(page.getByRole('heading', { name: /MLPerf Inference v4\.1/ })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Results (2,240 of 2,240)' })).toBeVisible();
    await expect(page.getByText('Page 1 of 45')).toBeVisible();
    await expect(page.getByTestId('result-row')).toHaveCount(50);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(page.getByText('Page 2 of 45')).toBeVisible();

    await page.getByLabel('Filter results').fill('h200-141gb');
    await expect(page.getByRole('heading', { name: /^Results \((\d+) of 2,240\)$/ })).not.toHaveText(
      'Results (2,240 of 2,240)',
    );
    for (const label of await page.getByTestId('result-row').locator('td:nth-child(2)').allTextContents())
      expect(label).toContain('h200-141gb');
    await page.getByRole('columnheader', { name: /^Rank/ }).getByRole('button').click();
    await expect(page.locator('th[aria-sort="descending"]')).toContainText('Rank');
    const datasetUrl = page.url();

    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await signIn(viewer, 'vera@gantry.local', DEMO_PASSWORD);
    await viewer.goto('/benchmarks');
    await expect(viewer.getByTestId('dataset-row').filter({ hasText: 'MLPerf' })).toBeVisible();
    await expect(viewer.getByRole('button', { name: /Import demo data/ })).toHaveCount(0);
    await viewer.goto(datasetUrl);
    await expect(viewer.getByTestId('recommendation').first()).toBeVisible();
    await expect(viewer.getByRole('button', { name: 'Create share link' })).toHaveCount(0);
    const denied = await viewerContext.request.post('/api/shares', {
      headers: FROM_GANTRY_PAGE,
      data: { datasetId: datasetUrl.split('/').pop(), settings: {} },
    });
    expect(denied.status()).toBe(403);
    await viewerContext.close();
  });
});

import { checkOnly } from '../fixtures/sweep-form';
import { DEMO_PASSWORD, expect, signIn, test, FROM_GANTRY_PAGE } from '../fixtures/test';

test.describe('benchmark sweeps', () => {
  test('create a simulated sweep from the form, then compare two sweeps', async ({ page }) => {
    await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
    await page.goto('/benchmarks');
    const form = page.getByRole('form', { name: 'New sweep' });
    await expect(form.getByTestId('sweep-valid')).toBeVisible();
    await checkOnly(form, 'Models', ['Mistral-7B-v0.1']);
    await checkOnly(form, 'Engines', ['vllm']);
    await checkOnly(form, 'Quantizations', ['fp16', 'awq']);
    await checkOnly(form, 'Precisions', ['fp16']);
    await checkOnly(form, 'GPU kinds', ['NVIDIA L40S 48GB', 'NVIDIA T4 16GB']);
    await checkOnly(form, 'GPU counts', ['1']);
    await checkOnly(form, 'Batch sizes', ['1', '16']);
    await checkOnly(form, 'Sequence lengths (prompt tokens)', ['512']);
    // Mistral-7B in fp16 does not fit one 16 GB T4: those are excluded, with the reason.
    await expect(form.getByTestId('sweep-preview')).toContainText('does not fit in GPU memory');
    await expect(form.getByTestId('sweep-excluded')).not.toHaveText('0');
    await expect(form.getByTestId('sweep-gpu-hours')).toBeVisible();
    const valid = Number(await form.getByTestId('sweep-valid').textContent());
    expect(valid).toBeGreaterThan(0);

    const name = `E2E sweep ${Date.now()}`;
    await form.getByLabel('Sweep name').fill(name);
    await form.getByLabel('Fill with simulated results').check();
    await form.getByRole('button', { name: 'Create sweep' }).click();
    await expect(page.getByRole('heading', { name })).toBeVisible();
    await expect(page.getByTestId('result-row').first()).toBeVisible();
    const a = page.url().split('/').pop()!;

    // A second run of the same sweep with another seed (different noise), posted through the API.
    const definition = {
      models: ['mistral-7b'],
      engines: ['vllm'],
      quantizations: ['fp16', 'awq'],
      precisions: ['fp16'],
      gpuKinds: ['l40s', 't4'],
      gpuCounts: [1],
      batchSizes: [1, 16],
      sequenceLengths: [512],
    };
    const res = await page.request.post('/api/benchmarks/sweeps', {
      headers: FROM_GANTRY_PAGE,
      data: { name: `${name} rerun`, definition, simulate: true, seed: 7 },
    });
    expect(res.status()).toBe(201);
    const b = ((await res.json()) as { dataset: { id: string } }).dataset.id;

    // Seed 7 happens to be faster on every configuration: compared the other way round, all regress.
    await page.goto(`/benchmarks/${b}`);
    await page.getByLabel('Compare with').selectOption(a);
    await expect(page).toHaveURL(new RegExp(`/benchmarks/compare\\?a=${b}&b=${a}$`));
    await expect(page.getByTestId('compare-regressions')).toContainText('regressions');
    await expect(page.getByTestId('compare-row').first()).toBeVisible();
    expect(await page.getByTestId('compare-row').count()).toBe(valid);
    // Threshold 0 %: every changed configuration counts; worst regression is listed first.
    await page.getByLabel('Regression threshold (%)').fill('0');
    await expect(page.getByTestId('compare-regressions').locator('strong')).not.toHaveText('0');
    await expect(page.getByTestId('compare-row').first()).toHaveAttribute('data-status', 'regression');
    await expect(page.getByTestId('compare-unmatched')).toContainText('0 unmatched');
  });
});

import { checkOnly } from '../fixtures/sweep-form';
import { DEMO_PASSWORD, expect, signIn, test } from '../fixtures/test';

test.describe('a sweep run as a job', () => {
  test('sweep form -> job through the queue -> results from the runner steps -> ranking -> public share page -> delete', async ({
    page,
    browser,
  }) => {
    // Simulated steps take 1.5-30 s each at GANTRY_SIM_SPEED=20, plus a scheduler pass or two.
    test.setTimeout(180_000);
    await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
    await page.goto('/benchmarks');
    const form = page.getByRole('form', { name: 'New sweep' });
    await expect(form.getByTestId('sweep-valid')).toBeVisible();
    await checkOnly(form, 'Models', ['Llama-3.1-8B']);
    await checkOnly(form, 'Engines', ['vllm']);
    await checkOnly(form, 'Quantizations', ['fp16', 'int8']);
    await checkOnly(form, 'Precisions', ['fp16']);
    await checkOnly(form, 'GPU kinds', ['NVIDIA A100-SXM4-80GB']);
    await checkOnly(form, 'GPU counts', ['1']);
    await checkOnly(form, 'Batch sizes', ['1', '16']);
    await checkOnly(form, 'Sequence lengths (prompt tokens)', ['512']);
    await expect(form.getByTestId('sweep-valid')).toHaveText('4');

    const name = `E2E sweep job ${Date.now()}`;
    await form.getByLabel('Sweep name').fill(name);
    await form.getByLabel('Run as a job on the cluster').check();
    await form.getByLabel('Run on GPU kind').selectOption('a100-80gb-shared');
    await form.getByRole('button', { name: 'Create and run as job' }).click();
    await expect(page.getByRole('heading', { name })).toBeVisible();

    // The job the sweep ran as goes through the queue to Succeeded on the simulated cluster.
    const job = page.getByTestId('sweep-job').first();
    await expect(job).toBeVisible();
    await expect(job.locator('[data-state]')).toHaveAttribute('data-state', 'succeeded', { timeout: 150_000 });

    // Its runner steps posted one result per configuration: the dataset ranks all four.
    await expect(page.getByTestId('result-row')).toHaveCount(4);
    await expect(page.getByTestId('ranking-summary')).toContainText('Ranking 4 of 4 results');

    // Running it again has nothing left: every configuration already has a result (the resume).
    await page.getByRole('button', { name: 'Run as job' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'already has a result' })).toBeVisible();

    await page.getByLabel('Title').fill('E2E sweep job pick');
    await page.getByRole('button', { name: 'Create share link' }).click();
    const url = (await page.getByTestId('share-url').getAttribute('href'))!;
    const anon = await browser.newContext();
    const visitor = await anon.newPage();
    const res = await visitor.goto(url);
    expect(res!.status()).toBe(200);
    await expect(visitor.getByRole('heading', { name: 'E2E sweep job pick' })).toBeVisible();
    await expect(visitor.getByTestId('shared-row')).toHaveCount(4);

    // Deleting the sweep (after a confirm) removes it from the list; the share keeps its snapshot.
    const datasetUrl = page.url().split('?')[0];
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete dataset' }).click();
    await expect(page).toHaveURL(/\/benchmarks$/);
    await expect(page.getByRole('link', { name })).toHaveCount(0);
    expect((await page.goto(datasetUrl))!.status()).toBe(404);
    await visitor.reload();
    await expect(visitor.getByTestId('shared-row')).toHaveCount(4);
    await anon.close();
  });
});

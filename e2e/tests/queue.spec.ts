import type { Page } from '@playwright/test';
import { E2E } from '../../playwright.config';
import { DEMO_PASSWORD, expect, signIn, test, FROM_GANTRY_PAGE } from '../fixtures/test';

// GPU kind ids of the simulated cluster (GET /api/cluster/gpu-kinds); the demo team vision has a
// quota of 16 guaranteed + 16 borrowable a100-80gb-shared GPUs.
const KIND = 'a100-80gb-shared';

async function fillTraining(page: Page, name: string, gpus: number) {
  const form = page.getByRole('form', { name: 'Submit a job' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('GPU kind').selectOption(KIND);
  await form.getByLabel('GPUs', { exact: true }).fill(String(gpus));
  await form.getByLabel('Image').fill('ghcr.io/acme/train:1.4');
  await form.getByLabel('Command').fill('python train.py');
  await form.getByLabel('Arguments').fill('--lr 3e-4');
  return form;
}

test('a researcher asks whether a job fits, submits it, follows it in the queue', async ({ page }) => {
  const name = `resnet50-${Date.now().toString(36)}`;
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  await page.goto('/jobs/new');
  const form = await fillTraining(page, name, 2);

  await form.getByRole('button', { name: 'Will it fit?' }).click();
  const answer = page.getByRole('status', { name: 'Dry run answer' });
  await expect(answer).toContainText('It fits now.');
  await expect(answer).toContainText('a100-node-');

  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  const id = page.url().split('/').pop()!;
  await expect(page.getByRole('heading', { name: `${name} #${id}` })).toBeVisible();
  // The worker's scheduler admits it within seconds and hands it to the simulated Argo.
  await expect(page.locator('[data-state]').first()).toHaveAttribute(
    'data-state',
    /admitted|submitted|running|succeeded/,
  );
  const timeline = page.getByRole('list', { name: 'Job timeline' });
  await expect(timeline).toContainText('SUBMITTED');
  await expect(timeline).toContainText('ADMITTED');

  await page.goto('/queue');
  await page.getByLabel('State').selectOption('');
  await page.getByLabel('My jobs').check();
  const row = page.locator(`tr[data-job-id="${id}"]`);
  await expect(row).toContainText(name);
  await expect(row).toContainText(`2 × ${KIND}`);
  await expect(page.getByRole('table', { name: 'Your team’s quota' })).toContainText(KIND);
});

test('a job that can never fit says why, and its owner cancels it', async ({ page }) => {
  const name = `too-big-${Date.now().toString(36)}`;
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  await page.goto('/jobs/new');
  const form = await fillTraining(page, name, 40);
  await form.getByRole('button', { name: 'Will it fit?' }).click();
  await expect(page.getByRole('status', { name: 'Dry run answer' })).toContainText('It can never run as asked.');

  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  const id = page.url().split('/').pop()!;
  await expect(page.getByRole('definition').filter({ hasText: 'NEVER_FITS' })).toBeVisible();
  await expect(page.getByTestId('job-message')).toContainText(/never start|largest node|at most/i);

  await page.goto('/queue');
  const row = page.locator(`tr[data-job-id="${id}"]`);
  await expect(row).toContainText('Queued');
  await expect(row.locator('td').nth(6)).toHaveText(/\d+/);

  await page.goto(`/jobs/${id}`);
  await page.getByRole('button', { name: 'Cancel job' }).click();
  await expect(page.locator('[data-state]').first()).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByRole('list', { name: 'Job timeline' })).toContainText('CANCELLED_BY_OWNER');
  await expect(page.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);
});

test('viewers cannot submit; bad submissions name their fields', async ({ page }) => {
  await signIn(page, 'vera@gantry.local', DEMO_PASSWORD);
  const denied = await page.request.post('/api/jobs', {
    headers: FROM_GANTRY_PAGE,
    data: {
      name: 'x',
      kind: 'training',
      gpu: { kind: KIND, count: 1 },
      expectedRuntimeSeconds: 60,
      maxRuntimeSeconds: 60,
      spec: { image: 'a', command: ['b'] },
    },
  });
  expect(denied.status()).toBe(403);

  await page.context().clearCookies();
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const bad = await page.request.post('/api/jobs', {
    headers: FROM_GANTRY_PAGE,
    data: { name: '', kind: 'training', gpu: { kind: KIND, count: 0 }, spec: {} },
  });
  expect(bad.status()).toBe(400);
  const problem = await bad.json();
  expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(
    expect.arrayContaining(['name', 'gpu.count', 'expectedRuntimeSeconds', 'spec.image']),
  );
});

test('an admin edits a quota and changes a job’s priority', async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto('/admin');
  const form = page.getByRole('form', { name: 'Set quota' });
  await form.getByLabel('Team').selectOption('nlp');
  await form.getByLabel('GPU kind').selectOption('t4');
  await form.getByLabel('Guaranteed GPUs').fill('3');
  await form.getByLabel('Borrowing limit').fill('1');
  await form.getByLabel('Weekly GPU-hours').fill('50');
  await form.getByRole('button', { name: 'Save quota' }).click();
  await expect(form.getByRole('status')).toContainText('Saved nlp / t4');
  const row = page.locator('tr[data-quota="nlp/t4"]');
  await expect(row.locator('td').nth(2)).toHaveText('3');
  await expect(row.locator('td').nth(4)).toHaveText('50');

  await page.goto('/queue');
  await page.getByLabel('State').selectOption('');
  // Pin the row by its job id: raising a priority reorders the queue, so `.first()` would move.
  const label = await page
    .getByLabel(/^Priority of job/)
    .first()
    .getAttribute('aria-label');
  const priority = page.getByLabel(label!, { exact: true });
  const target = (await priority.inputValue()) === 'high' ? 'critical' : 'high';
  await priority.selectOption(target);
  await expect(priority).toHaveValue(target);
});

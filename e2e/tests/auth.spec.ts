import { E2E } from '../../playwright.config';
import { DEMO_PASSWORD, expect, signIn, test } from '../fixtures/test';

test('an unauthenticated visitor is sent to sign-in and a wrong password is refused', async ({ page }) => {
  await page.goto('/queue');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fqueue/);
  await page.getByLabel('Email').fill(E2E.adminEmail);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible();
  await page.getByLabel('Password').fill(E2E.adminPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/queue$/);
  await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
});

test('the admin sees the whole shell, and every section has a page', async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await expect(page.getByTestId('user-role')).toHaveText('admin');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const [label, heading] of [
    ['Queue', 'Queue'],
    ['Jobs', 'Jobs'],
    ['Workflows', 'Workflows'],
    ['GPUs', 'GPUs'],
    ['Benchmarks', 'Benchmarks'],
    ['Admin', 'Admin'],
    ['Overview', 'Overview'],
  ]) {
    await nav.getByRole('link', { name: label }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(nav.getByRole('link', { name: label })).toHaveAttribute('aria-current', 'page');
  }
});

test('a researcher cannot reach admin pages or admin APIs', async ({ page }) => {
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  await expect(page.getByTestId('user-role')).toHaveText('researcher');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'You do not have access to this page' })).toBeVisible();
  const res = await page.request.get('/api/admin/users');
  expect(res.status()).toBe(403);
  expect(res.headers()['content-type']).toContain('application/problem+json');
});

test('a viewer signs in with the viewer role', async ({ page }) => {
  await signIn(page, 'vera@gantry.local', DEMO_PASSWORD);
  await expect(page.getByTestId('user-role')).toHaveText('viewer');
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page.getByText('submitting needs the researcher role')).toBeVisible();
});

test('API calls without credentials get 401 problem JSON, not a redirect', async ({ request }) => {
  const res = await request.get('/api/me', { maxRedirects: 0 });
  expect(res.status()).toBe(401);
  expect(res.headers()['content-type']).toContain('application/problem+json');
  expect(await res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
});

test('sign out ends the session', async ({ page }) => {
  await signIn(page, 'grace@gantry.local', DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto('/jobs');
  await expect(page).toHaveURL(/\/signin/);
});

test('the theme toggle switches between light and dark and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const html = page.locator('html');
  await expect(html).not.toHaveClass(/dark/);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(html).toHaveClass(/dark/);
  await page.reload();
  await expect(html).toHaveClass(/dark/);
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect(html).not.toHaveClass(/dark/);
});

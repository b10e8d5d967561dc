import { DEMO_PASSWORD, expect, signIn, test } from '../fixtures/test';

test('create an API token, use it from a script, revoke it', async ({ page, playwright, baseURL }) => {
  await signIn(page, 'grace@gantry.local', DEMO_PASSWORD);
  await page.goto('/settings');
  await page.getByLabel('Token name').fill('e2e-script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^gty_/);
  await expect(page.getByTestId('token-row').filter({ hasText: 'e2e-script' })).toContainText('active');

  // A script: no cookies, only the Bearer header.
  const script = await playwright.request.newContext({ baseURL });
  const me = await script.get('/api/me', { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ email: 'grace@gantry.local', role: 'researcher' });
  const created = await script.post('/api/tokens', {
    headers: { authorization: `Bearer ${token}` },
    data: { name: 'made-by-script' },
  });
  expect(created.status()).toBe(201);
  expect((await created.json()).token).toMatch(/^gty_/);

  await page.getByRole('button', { name: 'Revoke token e2e-script' }).click();
  await expect(page.getByTestId('token-row').filter({ hasText: 'e2e-script' })).toContainText('revoked');
  const after = await script.get('/api/me', { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  await script.dispose();
});

test('a token name is required, and the error names the field', async ({ page }) => {
  await signIn(page, 'grace@gantry.local', DEMO_PASSWORD);
  await page.goto('/settings');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('Give the token a name')).toBeVisible();
});

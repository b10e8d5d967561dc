// Sessions end for real: a cookie kept from before signing out answers 401, and failed sign-ins
// lock an account out until an admin clears it on the Admin page.
import { request as apiRequest } from '@playwright/test';
import { E2E } from '../../playwright.config';
import { DEMO_PASSWORD, FROM_GANTRY_PAGE, expect, signIn, test } from '../fixtures/test';

test('signing out ends the session: the cookie from before answers 401', async ({ page }) => {
  await signIn(page, 'linus@gantry.local', DEMO_PASSWORD);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name.endsWith('next-auth.session-token'));
  expect(session).toBeDefined();
  // A copy of the cookie, as someone who took it from this browser would replay it.
  const replay = await apiRequest.newContext({
    baseURL: E2E.baseURL,
    extraHTTPHeaders: { cookie: `${session!.name}=${session!.value}` },
  });
  try {
    expect((await replay.get('/api/me')).status()).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin/);
    const after = await replay.get('/api/me');
    expect(after.status()).toBe(401);
    expect(after.headers()['content-type']).toContain('application/problem+json');
  } finally {
    await replay.dispose();
  }
  await signIn(page, 'linus@gantry.local', DEMO_PASSWORD);
});

test('ten wrong passwords lock the account out; an admin clears the lockout', async ({ browser }) => {
  // The admin signs in first: the failures below also lock this machine's address out.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, E2E.adminEmail, E2E.adminPassword);
  // Earlier specs' wrong passwords also counted against this machine's address: start from zero.
  const forget = (scope: string, key: string) =>
    admin.request.delete(`/api/admin/lockouts?${new URLSearchParams({ scope, key })}`, { headers: FROM_GANTRY_PAGE });
  for (const address of ['127.0.0.1', '::1']) await forget('address', address);
  await forget('account', 'vera@gantry.local');
  const page = await browser.newPage();
  try {
    await page.goto('/signin');
    const attempt = async (password: string) => {
      await page.getByLabel('Email').fill('vera@gantry.local');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    for (let i = 1; i <= 10; i++) {
      await attempt(`wrong-password-${i}`);
      await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
    }
    // The eleventh, even with the right password, is refused with its own message.
    await attempt(DEMO_PASSWORD);
    await expect(page.getByRole('alert').filter({ hasText: 'Too many failed sign-ins' })).toBeVisible();

    await admin.goto('/admin');
    const panel = admin.locator('section').filter({ has: admin.getByRole('heading', { name: 'Sign-in lockouts' }) });
    await expect(panel.getByRole('cell', { name: 'vera@gantry.local', exact: true })).toBeVisible();
    await panel.getByRole('button', { name: 'Clear lockout of vera@gantry.local' }).click();
    await expect(panel.getByRole('cell', { name: 'vera@gantry.local', exact: true })).toHaveCount(0);
    for (const button of await panel.getByRole('button', { name: /^Clear lockout of / }).all()) await button.click();
    await expect(panel.getByText('Nobody is locked out.')).toBeVisible();

    await attempt(DEMO_PASSWORD);
    await expect(page.getByTestId('user-name')).toBeVisible();
  } finally {
    // Whatever happened above, leave no lockout behind for the specs after this one.
    const lockouts = (await (await admin.request.get('/api/admin/lockouts')).json()) as {
      scope: string;
      key: string;
    }[];
    for (const l of lockouts) await forget(l.scope, l.key);
    await page.close();
    await adminContext.close();
  }
});

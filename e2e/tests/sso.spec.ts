// Single sign-on against a real OpenID provider (panva's oidc-provider, default settings: email, name
// and groups only in userinfo) that this file starts on loopback; Gantry runs with the OIDC settings
// of playwright.config.ts (group map e2e-vision=vision:researcher, provider logout).
import type { Page } from '@playwright/test';
import { E2E } from '../../playwright.config';
import { startOidcProvider, type TestProvider } from '../../tests/oidc-provider';
import { expect, signIn, test } from '../fixtures/test';

const ssoButton = (page: Page) => page.getByRole('button', { name: `Sign in with ${E2E.oidc.name}` });
const formAlert = (page: Page) => page.locator('form').getByRole('alert');

/** From Gantry's sign-in page through the provider's own login (and consent) pages. */
async function signInAtProvider(page: Page, subject: string) {
  await page.goto('/signin');
  await ssoButton(page).click();
  await page.getByPlaceholder('Enter any login').fill(subject);
  await page.getByPlaceholder('and password').fill('any-password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The provider asks for consent the first time this subject meets this client only.
  const consent = page.getByRole('button', { name: 'Continue' });
  const back = page.getByTestId('user-name').or(formAlert(page));
  await expect(consent.or(back)).toBeVisible();
  if (await consent.isVisible()) await consent.click();
  await expect(back).toBeVisible();
}

test('the provider down shows its own message', async ({ page }) => {
  await page.goto('/signin');
  await ssoButton(page).click();
  await expect(page).toHaveURL(/\/signin\?.*error=OAuthSignin/);
  await expect(formAlert(page)).toHaveText(
    `Could not reach ${E2E.oidc.name}: the provider did not answer. Try again in a few minutes.`,
  );
});

test.describe('with the provider up', () => {
  let provider: TestProvider;
  test.beforeAll(async () => {
    provider = await startOidcProvider({
      port: E2E.oidc.port,
      client: { id: E2E.oidc.clientId, secret: E2E.oidc.clientSecret },
      redirectUris: [`${E2E.baseURL}/api/auth/callback/oidc`],
      postLogoutRedirectUris: [`${E2E.baseURL}/signin`],
    });
  });
  test.afterAll(() => provider?.close());

  test('claims from userinfo create a user; later sign-ins reuse it after email and group changes', async ({
    page,
    browser,
  }) => {
    provider.accounts.set('e2e-ada', {
      email: 'Ada.SSO@example.org',
      email_verified: true,
      name: 'Ada SSO',
      groups: ['e2e-vision'],
    });
    await signInAtProvider(page, 'e2e-ada');
    await expect(page.getByTestId('user-name')).toHaveText('Ada SSO');
    await expect(page.getByTestId('user-role')).toHaveText('researcher');

    const admin = await (await browser.newContext()).newPage();
    await signIn(admin, E2E.adminEmail, E2E.adminPassword);
    await admin.goto('/admin');
    const row = admin.getByTestId('user-row').filter({ hasText: 'ada.sso@example.org' });
    await expect(
      row.getByRole('listitem').filter({ hasText: 'vision' }).getByText('SSO', { exact: true }),
    ).toBeVisible();
    await row.getByRole('button', { name: 'Identities of ada.sso@example.org' }).click();
    const identity = admin.getByTestId('identity');
    await expect(identity.locator('code')).toHaveText('e2e-ada');
    await expect(identity).toContainText(`at http://127.0.0.1:${E2E.oidc.port}`);

    // Signing out ends the provider session too (OIDC_LOGOUT=provider), so the next sign-in logs in again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await expect(page).toHaveURL(/\/signin$/);

    provider.accounts.set('e2e-ada', {
      email: 'ada.renamed@example.org',
      email_verified: true,
      name: 'Ada SSO',
      groups: [],
    });
    await signInAtProvider(page, 'e2e-ada');
    await expect(page.getByTestId('user-name')).toHaveText('Ada SSO');
    await expect(page.getByText('ada.renamed@example.org')).toBeVisible();
    await expect(page.getByTestId('user-role')).toHaveText('viewer');

    await admin.reload();
    const renamed = admin.getByTestId('user-row').filter({ hasText: 'ada.renamed@example.org' });
    await expect(renamed.getByRole('cell').nth(2)).toHaveText('—');
    await expect(admin.getByTestId('user-row').filter({ hasText: 'ada.sso@example.org' })).toHaveCount(0);
    await admin.context().close();
  });

  test("another subject with an existing user's email, in any case, verified or not, is refused with its own message", async ({
    page,
  }) => {
    provider.accounts.set('e2e-mallory', { email: 'GRACE@Gantry.LOCAL', email_verified: true, name: 'Mallory' });
    await signInAtProvider(page, 'e2e-mallory');
    await expect(page).toHaveURL(/\/signin\?.*error=OidcEmailTaken/);
    await expect(formAlert(page)).toContainText('A Gantry account already uses your email address');
    await expect(page.getByTestId('user-name')).toHaveCount(0);

    provider.accounts.set('e2e-unverified', { email: 'grace@gantry.local', email_verified: false, name: 'Not Grace' });
    await page.context().clearCookies(); // ends mallory's session at the provider
    await signInAtProvider(page, 'e2e-unverified');
    await expect(formAlert(page)).toContainText('A Gantry account already uses your email address');
    await expect(page.getByTestId('user-name')).toHaveCount(0);
  });

  test('a subject without an email is refused with its own message', async ({ page }) => {
    await signInAtProvider(page, 'e2e-no-email');
    await expect(formAlert(page)).toContainText(`${E2E.oidc.name} did not share an email address`);
  });

  test('an admin links a subject to a local account, which then signs in with it', async ({ page, browser }) => {
    provider.accounts.set('e2e-vera', { email: 'vera@gantry.local', email_verified: true, name: 'Vera at IdP' });
    const admin = await (await browser.newContext()).newPage();
    await signIn(admin, E2E.adminEmail, E2E.adminPassword);
    await admin.goto('/admin');
    await admin.getByRole('button', { name: 'Identities of vera@gantry.local' }).click();
    const section = admin.getByRole('region', { name: 'Sign-in identities of vera@gantry.local' });
    await expect(section.getByText('No single sign-on identity')).toBeVisible();
    await expect(section.getByLabel('Issuer')).toHaveValue(`http://127.0.0.1:${E2E.oidc.port}`);
    await section.getByLabel('Subject').fill('e2e-vera');
    await section.getByRole('button', { name: 'Link identity' }).click();
    await expect(section.getByTestId('identity')).toContainText('never signed in');

    await signInAtProvider(page, 'e2e-vera');
    await expect(page.getByTestId('user-name')).toHaveText('Vera Rubin');
    await expect(page.getByTestId('user-role')).toHaveText('viewer');

    await section.getByRole('button', { name: 'Unlink e2e-vera from vera@gantry.local' }).click();
    await expect(section.getByText('No single sign-on identity')).toBeVisible();
    await admin.context().close();
  });
});

import { E2E } from '../../playwright.config';
import { expect, signIn, test } from '../fixtures/test';

test('an admin adds a team and a user, changes the role, and the user signs in with it', async ({ page, browser }) => {
  const slug = `team-${Date.now().toString(36)}`;
  const email = `new-${Date.now().toString(36)}@gantry.local`;
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto('/admin');

  const teamForm = page.getByRole('form', { name: 'Create team' });
  await teamForm.getByLabel('Slug').fill(slug);
  await teamForm.getByLabel('Name').fill('Robotics');
  await teamForm.getByLabel('Cohort (department)').fill('research');
  await teamForm.getByRole('button', { name: 'Add team' }).click();
  await expect(page.getByRole('cell', { name: slug, exact: true })).toBeVisible();

  const userForm = page.getByRole('form', { name: 'Create user' });
  await userForm.getByLabel('Name').fill('New Person');
  await userForm.getByLabel('Email').fill('not-an-email');
  await userForm.getByRole('button', { name: 'Add user' }).click();
  await expect(userForm.getByText('Enter a valid email address')).toBeVisible();
  await userForm.getByLabel('Email').fill(email);
  await userForm.getByLabel('Initial password').fill('new-person-pw');
  await userForm.getByLabel('Teams (comma-separated)').fill(slug);
  await userForm.getByRole('button', { name: 'Add user' }).click();
  const row = page.getByTestId('user-row').filter({ hasText: email });
  await expect(row).toContainText(slug);
  await row.getByLabel(`Role of ${email}`).selectOption('viewer');
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue('viewer');

  const other = await browser.newContext();
  const p2 = await other.newPage();
  await signIn(p2, email, 'new-person-pw');
  await expect(p2.getByTestId('user-role')).toHaveText('viewer');
  await other.close();
});

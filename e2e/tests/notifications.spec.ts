import { trainingJob } from '../../tests/training-job';
import { DEMO_PASSWORD, expect, signIn, submitJob, test } from '../fixtures/test';

test('subscribe on the account page, run a job, see the bell count rise and the notification', async ({ page }) => {
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  await page.goto('/settings');
  const prefs = page.getByRole('form', { name: 'Notification preferences' });
  await prefs.getByLabel('Job started in the console').check();
  await prefs.getByRole('button', { name: 'Save notification settings' }).click();
  await expect(prefs.getByRole('status')).toHaveText('Saved.');

  const unreadBefore = ((await (await page.request.get('/api/me/notifications?limit=1')).json()) as { unread: number })
    .unread;
  const name = `notify-${Date.now().toString(36)}`;
  const { id } = await submitJob(page, trainingJob(name, { expectedRuntimeSeconds: 60, maxRuntimeSeconds: 600 }));

  // The scheduler admits it, the simulated Argo runs it, the notifications loop tells the bell.
  await page.goto('/queue');
  const bell = page.getByRole('link', { name: /^Notifications, \d+ unread$/ });
  await expect
    .poll(
      async () =>
        Number(
          (await page
            .getByTestId('bell-count')
            .textContent({ timeout: 1_000 })
            .catch(() => '0')) ?? 0,
        ),
      { timeout: 60_000 },
    )
    .toBeGreaterThan(unreadBefore);

  await bell.click();
  await expect(page).toHaveURL(/\/notifications$/);
  const item = page
    .getByTestId('notification')
    .filter({ hasText: `gantry-${id}` })
    .first();
  await expect(item).toContainText('Job started');
  await expect(item).toContainText('(unread)');

  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expect(page.getByTestId('bell-count')).toHaveCount(0);
  await expect(item).not.toContainText('(unread)');
  await item.getByRole('link', { name: 'Job started' }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
});

test('a webhook with a bad URL is refused, naming the field', async ({ page }) => {
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  await page.goto('/settings');
  const form = page.getByRole('form', { name: 'Add a webhook' });
  await form.getByLabel('Name').fill('metadata');
  await form.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data/');
  await form.getByRole('button', { name: 'Add webhook' }).click();
  await expect(form.getByRole('alert')).toContainText('cloud metadata');
});

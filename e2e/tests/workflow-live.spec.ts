import { DEMO_PASSWORD, expect, signIn, test } from '../fixtures/test';

// The simulated cluster runs at speed 20: GANTRY_SIM_DURATION_SECONDS=60 is about 3 s of wall time.
const KIND = 'a100-80gb-shared';

test('a training job runs to Succeeded; its page shows the DAG and a finished step’s stored logs', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const name = `wf-live-${Date.now().toString(36)}`;
  const submitted = await page.request.post('/api/jobs', {
    data: {
      name,
      kind: 'training',
      gpu: { kind: KIND, count: 1 },
      expectedRuntimeSeconds: 600,
      maxRuntimeSeconds: 3600,
      spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], args: ['--epochs', '2'], env: { GANTRY_SIM_DURATION_SECONDS: '60' } },
    },
  });
  expect(submitted.status()).toBe(201);
  const { id } = (await submitted.json()) as { id: string };

  await page.goto(`/jobs/${id}`);
  await expect(page.getByRole('heading', { name: `${name} #${id}` })).toBeVisible();
  await expect(page.locator('[data-state]').first()).toHaveAttribute('data-state', 'succeeded', { timeout: 45_000 });
  await expect(page.getByRole('list', { name: 'Job timeline' })).toContainText('WORKFLOW_SUCCEEDED');
  await expect(page.getByTestId('workflow-phase')).toHaveText('Succeeded');

  const workflow = await page.request.get(`/api/jobs/${id}/workflow`);
  expect(workflow.ok()).toBe(true);
  const { steps } = (await workflow.json()) as { steps: Record<string, { podName: string }> };
  const [podNodeId] = Object.keys(steps);
  expect(podNodeId).toBeTruthy();

  // The step's pod was garbage-collected on success, so the log comes from the stored copy.
  const step = page.getByTestId('dag-view').locator(`[data-node-id="${podNodeId}"]`);
  await expect(step).toBeVisible();
  await step.click();
  const panel = page.getByTestId('node-panel');
  await expect(panel).toContainText(steps[podNodeId].podName);
  await expect(panel.getByRole('region', { name: 'Step logs' })).toContainText('stored copy');
  await expect(panel.getByTestId('step-log')).toContainText(/epoch \d+\/\d+ step \d+ loss=/);
});

import type { Page } from '@playwright/test';
import { trainingJob } from '../../tests/training-job';
import { DEMO_PASSWORD, expect, signIn, submitJob, test } from '../fixtures/test';

// The simulated cluster runs at speed 20: GANTRY_SIM_DURATION_SECONDS=60 is about 3 s of wall time.
// Steps read `GANTRY_SIM_*` env hints (lib/sim/argo/model.ts): duration, exit code, failed attempts.

/** Submits a one-step training job over the API as the signed-in user; returns its id. */
async function submitTraining(page: Page, name: string, env: Record<string, string>): Promise<string> {
  const job = trainingJob(name, { maxRuntimeSeconds: 7200 });
  return (await submitJob(page, { ...job, spec: { ...job.spec, args: ['--epochs', '2'], env } })).id;
}

/** The id of the workflow's only pod step, once the sync loop's snapshot has it. */
async function podStepId(page: Page, jobId: string): Promise<string> {
  let ids: string[] = [];
  await expect
    .poll(async () => {
      const res = await page.request.get(`/api/jobs/${jobId}/workflow`);
      ids = res.ok() ? Object.keys(((await res.json()) as { steps: Record<string, unknown> }).steps) : [];
      return ids.length;
    })
    .toBe(1);
  return ids[0];
}

const jobState = (page: Page) => page.locator('[data-state]').first();
const drawnNode = (page: Page, name: string | RegExp) => page.getByTestId('dag-view').getByRole('button', { name });

test('a training job runs to Succeeded; its page shows the DAG and a finished step’s full log', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const name = `wf-live-${Date.now().toString(36)}`;
  const id = await submitTraining(page, name, { GANTRY_SIM_DURATION_SECONDS: '60' });

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

  // A succeeded pod is garbage-collected after podGC.deleteDelayDuration (2 min); the log comes
  // from the pod until then and from the copy the sync loop stored afterwards, final line included.
  const step = page.getByTestId('dag-view').locator(`[data-node-id="${podNodeId}"]`);
  await expect(step).toBeVisible();
  await step.click();
  const panel = page.getByTestId('node-panel');
  await expect(panel).toContainText(steps[podNodeId].podName);
  await expect(panel.getByRole('region', { name: 'Step logs' })).toContainText(
    /Logs · (live from the pod|stored copy)/,
  );
  await expect(panel.getByTestId('step-log')).toContainText(/epoch \d+\/\d+ step \d+ loss=/);
  await expect(panel.getByTestId('step-log')).toContainText('training complete, checkpoint saved');
});

test('an embedding pipeline submitted in the form runs to Succeeded; its collapsed fan-out expands', async ({
  page,
}) => {
  // Chunk durations are seeded draws (GPU steps 30-600 simulated s, 1.5-30 s at speed 20) in three
  // stages; the fan-out runs in one wave (4 chunks, parallelism 4).
  test.setTimeout(240_000);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const name = `embed-live-${Date.now().toString(36)}`;
  await page.goto('/jobs/new');
  const form = page.getByRole('form', { name: 'Submit a job' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Kind', { exact: true }).selectOption('embedding');
  await form.getByLabel('GPU kind').selectOption('t4');
  await form.getByLabel('GPUs', { exact: true }).fill('4');
  await form.getByLabel('Expected runtime (seconds)').fill('900');
  await form.getByLabel('Maximum runtime (seconds)').fill('7200');
  await form.getByLabel('Spec (JSON)').fill(
    JSON.stringify({
      datasetUri: 's3://corpus/e2e/docs.parquet',
      outputUri: `s3://corpus/e2e/${name}`,
      documents: 40_000,
      chunkSize: 10_000,
      parallelism: 4,
    }),
  );
  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  const id = page.url().split('/').pop()!;
  await expect(page.getByRole('heading', { name: `${name} #${id}` })).toBeVisible();

  await expect(jobState(page)).toHaveAttribute('data-state', 'succeeded', { timeout: 200_000 });
  await expect(page.getByRole('list', { name: 'Job timeline' })).toContainText('WORKFLOW_SUCCEEDED');
  await expect(page.getByTestId('workflow-phase')).toHaveText('Succeeded');

  // The embed task group fans out to embed(0:0)..embed(3:3) (each a Retry node over its pod): the
  // graph draws the first and the last, the chunks between stay behind an "N hidden" placeholder.
  await expect(drawnNode(page, /prepare-data, Succeeded/)).toBeVisible();
  await expect(drawnNode(page, /merge-results, Succeeded/)).toBeVisible();
  await expect(drawnNode(page, /embed\(0:0\), Succeeded/)).toBeVisible();
  await expect(drawnNode(page, /embed\(1:1\)/)).toHaveCount(0);
  const hidden = drawnNode(page, /^\d+ hidden: expand$/);
  await expect(hidden).toHaveCount(1);
  await hidden.click();
  await expect(hidden).toHaveCount(0);
  for (const chunk of ['embed(1:1)', 'embed(2:2)'])
    await expect(drawnNode(page, new RegExp(`${chunk.replace(/[()]/g, '\\$&')}.*, Succeeded`)).first()).toBeVisible();

  // A chunk's own log says how many documents it embedded.
  const res = await page.request.get(`/api/jobs/${id}/workflow`);
  const { steps } = (await res.json()) as { steps: Record<string, { podName: string }> };
  const chunkPod = Object.entries(steps).find(([, s]) => s.podName.includes('gpu-embedder'));
  expect(chunkPod, `a gpu-embedder pod among ${Object.keys(steps).join(', ')}`).toBeTruthy();
  await page.getByTestId('dag-view').locator(`[data-node-id="${chunkPod![0]}"]`).click();
  const panel = page.getByTestId('node-panel');
  await expect(panel).toContainText(chunkPod![1].podName);
  await expect(panel.getByTestId('step-log')).toContainText(/embedded \d+\/\d+ documents/);
});

test('cancelling a running workflow stops it: job Cancelled, workflow and its running step Failed', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const name = `wf-cancel-${Date.now().toString(36)}`;
  // 3,600 simulated seconds: about 3 minutes of wall time, far longer than the test needs.
  const id = await submitTraining(page, name, { GANTRY_SIM_DURATION_SECONDS: '3600' });
  await page.goto(`/jobs/${id}`);
  await expect(jobState(page)).toHaveAttribute('data-state', 'running', { timeout: 45_000 });
  await expect(page.getByTestId('workflow-phase')).toHaveText('Running');
  const stepId = await podStepId(page, id);
  const step = page.getByTestId('dag-view').locator(`[data-node-id="${stepId}"]`);
  await expect(step).toHaveAttribute('aria-label', /, Running\b/);

  await page.getByRole('button', { name: 'Cancel job' }).click();
  await expect(jobState(page)).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByRole('list', { name: 'Job timeline' })).toContainText('CANCELLED_BY_OWNER');
  await expect(page.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);

  // The Workflow is terminated in the cluster; the sync loop records the stopped nodes.
  await expect(page.getByTestId('workflow-phase')).toHaveText('Failed', { timeout: 30_000 });
  await expect(step).toHaveAttribute('aria-label', /, Failed\b/);
  await step.click();
  const panel = page.getByTestId('node-panel');
  await expect(panel).toContainText("Stopped with strategy 'Terminate'");
  const wf = (await (await page.request.get(`/api/jobs/${id}/workflow`)).json()) as { phase: string };
  expect(wf.phase).toBe('Failed');
});

test('a step that exits non-zero fails the job; the step shows its exit code, message and log', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const name = `wf-fail-${Date.now().toString(36)}`;
  // The simulated container runs 40 s (2 s wall) and exits 3, as `sys.exit(3)` in train.py would.
  const id = await submitTraining(page, name, { GANTRY_SIM_DURATION_SECONDS: '40', GANTRY_SIM_EXIT_CODE: '3' });
  await page.goto(`/jobs/${id}`);
  await expect(jobState(page)).toHaveAttribute('data-state', 'failed', { timeout: 45_000 });
  await expect(page.getByRole('list', { name: 'Job timeline' })).toContainText('WORKFLOW_FAILED');
  await expect(page.getByTestId('job-message')).toContainText(`Workflow gantry-${id} failed`);
  await expect(page.getByTestId('workflow-phase')).toHaveText('Failed');

  const stepId = await podStepId(page, id);
  const step = page.getByTestId('dag-view').locator(`[data-node-id="${stepId}"]`);
  await expect(step).toHaveAttribute('aria-label', /, Failed\b/);
  await step.click();
  const panel = page.getByTestId('node-panel');
  await expect(panel.getByRole('definition').filter({ hasText: 'Error (exit code 3)' })).toBeVisible();
  await expect(panel).toContainText(/Exit code\s*3/);
  // Failed pods are kept (podGC OnPodSuccess), so the log ends with the traceback and exit status.
  await expect(panel.getByTestId('step-log')).toContainText('Traceback (most recent call last):');
  await expect(panel.getByTestId('step-log')).toContainText('exit status 3');
});

test('“Retry failed steps” runs a failed step again in the same workflow, and the job succeeds', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const name = `wf-retry-${Date.now().toString(36)}`;
  // GANTRY_SIM_FAIL_ATTEMPTS=1: the step fails its first run only (exit 1); the sim counts a step
  // run again after a retry as a later attempt, as a transient failure would pass for real.
  const id = await submitTraining(page, name, { GANTRY_SIM_DURATION_SECONDS: '40', GANTRY_SIM_FAIL_ATTEMPTS: '1' });
  await page.goto(`/jobs/${id}`);
  await expect(jobState(page)).toHaveAttribute('data-state', 'failed', { timeout: 45_000 });
  await expect(page.getByTestId('job-message')).toContainText(`Workflow gantry-${id} failed`);
  const stepId = await podStepId(page, id);
  const step = page.getByTestId('dag-view').locator(`[data-node-id="${stepId}"]`);
  await expect(step).toHaveAttribute('aria-label', /, Failed\b/);
  await step.click();
  await expect(
    page.getByTestId('node-panel').getByRole('definition').filter({ hasText: 'Error (exit code 1)' }),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Retry failed steps' }).click();
  const timeline = page.getByRole('list', { name: 'Job timeline' });
  await expect(timeline).toContainText('RETRY_REQUESTED');
  await expect(page.getByRole('button', { name: 'Retry failed steps' })).toHaveCount(0);
  // Through the queue again, then the same Workflow retried in place rather than a new one.
  await expect(jobState(page)).toHaveAttribute('data-state', 'succeeded', { timeout: 45_000 });
  await expect(timeline).toContainText('WORKFLOW_RETRIED');
  await expect(timeline).toContainText(`Workflow gantry-${id} retried (failed steps run again) in the cluster.`);
  await expect(timeline).toContainText('WORKFLOW_SUCCEEDED');
  await expect(page.getByTestId('workflow-phase')).toHaveText('Succeeded');
  // The step keeps its node id: the retried attempt replaced the failed one, and it passed.
  await expect(step).toHaveAttribute('aria-label', /, Succeeded\b/);
  // The timeline keeps both runs, in order: created, failed, retry requested, retried, succeeded.
  const milestones = [
    'WORKFLOW_CREATED',
    'WORKFLOW_FAILED',
    'RETRY_REQUESTED',
    'WORKFLOW_RETRIED',
    'WORKFLOW_SUCCEEDED',
  ];
  const causes = await timeline.locator('li .font-mono').allTextContents();
  expect(causes.filter((c) => milestones.includes(c))).toEqual(milestones);
});

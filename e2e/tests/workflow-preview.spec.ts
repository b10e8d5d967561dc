// The workflow preview: paste a Workflow, see its DAG laid out by dagre and drawn as SVG, expand a
// collapsed fan-out, read validation problems, and stay safe with hostile step names.
import type { Page } from '@playwright/test';
import { PREVIEW_EXAMPLES } from '../../components/workflows/preview-examples';
import { DEMO_PASSWORD, expect, signIn, test } from '../fixtures/test';

const workflow = (tasks: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: e2e-
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
${tasks}
    - name: echo
      inputs:
        parameters:
          - name: message
            value: hi
      container:
        image: alpine:3.20
        command: [echo, "{{inputs.parameters.message}}"]
`;

// The page's own "DAG diamond" example: A, then B and C, then D.
const DIAMOND = PREVIEW_EXAMPLES.find((e) => e.id === 'diamond')!.yaml;

const fanOut = (count: number) =>
  workflow(`          - name: shard
            template: echo
            arguments:
              parameters:
                - name: message
                  value: "{{item}}"
            withSequence:
              count: "${count}"
          - name: merge
            depends: shard
            template: echo`);

async function preview(page: Page, yaml: string) {
  await page.getByLabel('Workflow YAML').fill(yaml);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
}

const graph = (page: Page) => page.getByTestId('dag-view');
const drawnNode = (page: Page, name: string | RegExp) => graph(page).getByRole('button', { name });

/**
 * Waits until the current graph is drawn and notes how many nodes it drew. Render times are
 * measured by `npm run bench dag` (bench/dag-render.ts), not by the page.
 */
async function expectDrawn(page: Page, what: string): Promise<void> {
  await expect(graph(page)).toHaveAttribute('data-state', 'ready');
  const nodes = await graph(page).locator('g.node').count();
  test.info().annotations.push({ type: 'drawn', description: `${what}: ${nodes} nodes` });
}

test.beforeEach(async ({ page }) => {
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
});

test('the Workflows page links to the preview, which draws a DAG diamond', async ({ page }) => {
  await page.goto('/workflows');
  await page.getByRole('link', { name: 'Preview a workflow' }).click();
  await expect(page.getByRole('heading', { name: 'Preview a workflow' })).toBeVisible();
  await preview(page, DIAMOND);
  await expect(page.getByText('No problems found')).toBeVisible();
  // Whole labels: the DAG's own node, "diamond, Not started", holds "d, Not started" too.
  for (const name of ['A', 'B', 'C', 'D'])
    await expect(drawnNode(page, new RegExp(`^${name}, Not started$`))).toBeVisible();
  await expect(graph(page).locator('g.node')).toHaveCount(5); // the DAG itself plus its 4 tasks
  await expect(graph(page).locator('svg')).toContainText('D');
  await expectDrawn(page, 'diamond');

  // Selecting a node opens its panel; keyboard works too.
  await drawnNode(page, 'B, Not started').click();
  await expect(page.getByTestId('node-panel')).toContainText('B');
  await expect(page.getByTestId('node-panel')).toContainText('Inputs');
  await drawnNode(page, 'C, Not started').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'Step C' })).toBeVisible();
});

test('a fan-out of 20 collapses to first, "18 hidden", last and expands on click', async ({ page }) => {
  await page.goto('/workflows/preview');
  await preview(page, fanOut(20));
  const hidden = drawnNode(page, '18 hidden: expand');
  await expect(hidden).toBeVisible();
  await expect(graph(page).locator('g.node')).toHaveCount(6);
  await expectDrawn(page, 'fan-out 20 collapsed');
  await hidden.click();
  await expect(drawnNode(page, /^shard\(7:7\)/)).toBeVisible();
  await expect(hidden).toHaveCount(0);
  await expect(graph(page).locator('g.node')).toHaveCount(23);
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await expect(drawnNode(page, '18 hidden: expand')).toBeVisible();
});

test('invalid YAML lists the problem with its line', async ({ page }) => {
  await page.goto('/workflows/preview');
  await preview(page, 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec: [\nentrypoint: x\n  - y');
  const problems = page.getByTestId('preview-problems');
  await expect(problems).toContainText(/line \d+, column \d+/);
  await expect(graph(page)).toHaveCount(0);
});

test('a step named like markup is drawn as text, never run', async ({ page }) => {
  await page.goto('/workflows/preview');
  const hostile = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '"]; click n0 call alert(3)'];
  await preview(
    page,
    workflow(
      hostile.map((name) => `          - name: '${name.replace(/'/g, "''")}'\n            template: echo`).join('\n'),
    ),
  );
  await expect(graph(page)).toHaveAttribute('data-state', 'ready');
  for (const name of hostile) await expect(drawnNode(page, `${name}, Not started`)).toBeVisible();
  await expect(graph(page).locator('svg')).toContainText('<script>alert(1)</script>');
  await expect(
    page.locator('[data-testid="dag-view"] script, [data-testid="dag-view"] img, [data-testid="dag-view"] [onerror]'),
  ).toHaveCount(0);
  await drawnNode(page, `${hostile[2]}, Not started`).click();
  await expect(page.getByTestId('node-panel')).toContainText(hostile[2]);
});

test('a sweep example shows as a grid; large graphs stay within the limits', async ({ page }) => {
  await page.goto('/workflows/preview');
  await page.getByLabel('Load example').selectOption({ label: 'Benchmark sweep (12 configurations)' });
  await drawnNode(page, '10 hidden: expand').click();
  await expect(page.getByRole('button', { name: 'Grid' })).toBeVisible();
  await page.getByRole('button', { name: 'Grid' }).click();
  await expect(page.getByTestId('sweep-grid').getByRole('button')).toHaveCount(12);
  await page.getByRole('button', { name: 'model=qwen-14b, batch=64: Not started' }).click();
  await expect(page.getByTestId('node-panel')).toContainText('qwen-14b');

  // 240 drawn steps, about 480 edges: the expanded view's upper end.
  await preview(page, fanOut(240));
  await expect(drawnNode(page, '238 hidden: expand')).toBeVisible();
  await expectDrawn(page, 'fan-out 240 collapsed');
  await drawnNode(page, '238 hidden: expand').click();
  await expect(graph(page).locator('g.node')).toHaveCount(243, { timeout: 30_000 });
  await expectDrawn(page, 'fan-out 240 expanded');

  // Past the limits the page says so and keeps the collapsed overview instead of freezing; a
  // 10,000-step fan-out is checked, laid out and drawn collapsed.
  const started = Date.now();
  await preview(page, fanOut(10_000));
  await expect(drawnNode(page, '9998 hidden: expand')).toBeVisible();
  console.log(`10,000-step fan-out: Preview click to drawn graph in ${Date.now() - started} ms`);
  await expectDrawn(page, 'fan-out 10,000 collapsed');
  await drawnNode(page, '9998 hidden: expand').click();
  await expect(page.getByText(/more than 250 drawn nodes/)).toBeVisible();
  await expect(graph(page).locator('g.node')).toHaveCount(6);
  await page.getByRole('button', { name: 'List' }).click();
  await expect(page.getByTestId('node-list').getByRole('button', { name: /^shard\(0:0\)/ })).toBeVisible();
});

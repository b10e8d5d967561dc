// The web boundary as a browser meets it: a hostile page on another origin of the same host cannot
// act with the user's cookie, sign-in never redirects off-site, and every page carries a CSP with a
// per-response script nonce while still working (DAG, charts, share page) without a violation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Response } from '@playwright/test';
import { PREVIEW_EXAMPLES } from '../../components/workflows/preview-examples';
import { E2E } from '../../playwright.config';
import {
  DEMO_PASSWORD,
  expect,
  FROM_GANTRY_PAGE,
  signIn,
  submitJob,
  test,
  waitForPoolReadings,
} from '../fixtures/test';

const KIND = 't4';

/** A site on another loopback port: each path answers a page that posts a form to Gantry on load. */
async function hostileSite(forms: Record<string, string>): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const form = forms[req.url ?? ''];
    if (!form) return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(`<!doctype html><body onload="document.forms[0].submit()">${form}</body>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens the hostile page and answers Gantry's reply to the form it posts. */
async function submitFrom(page: Page, url: string, target: string): Promise<Response> {
  const answered = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
  await page.goto(url);
  return answered;
}

/** Records CSP violations (the DOM event) and the console's "Refused to ..." reports in the page. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('__reportCspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation(
        `${e.violatedDirective}: ${e.blockedURI}`,
      );
    });
  });
  return violations;
}

/** The page's CSP: a fresh nonce for scripts, no inline script, no framing; and the nonce is on Next's scripts. */
async function expectCsp(page: Page, response: Response | null): Promise<string> {
  const headers = response!.headers();
  const csp = headers['content-security-policy'];
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(scriptSrc).not.toContain('unsafe-eval');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  // Browsers hide a nonce attribute from the DOM once applied; the property keeps it.
  const nonces = await page.evaluate(() => [...document.scripts].map((s) => s.nonce));
  expect(nonces.length).toBeGreaterThan(0);
  expect(nonces.every((n) => n === nonce)).toBe(true);
  return nonce!;
}

test('a form posted from another origin of the same host creates and cancels nothing', async ({ page }) => {
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const job = {
    name: `csrf-target-${Date.now().toString(36)}`,
    kind: 'training',
    priority: 'low',
    gpu: { kind: KIND, count: 1 },
    expectedRuntimeSeconds: 3600,
    maxRuntimeSeconds: 7200,
    spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
  };
  const { id } = await submitJob(page, job);
  const forged = `csrf-forged-${Date.now().toString(36)}`;
  // text/plain forms can spell a JSON body: name + "=" + value.
  const jsonBody = JSON.stringify({ ...job, name: forged, pad: '' }).slice(0, -2);
  const site = await hostileSite({
    '/submit': `<form method="post" action="${E2E.baseURL}/api/jobs" enctype="text/plain"><input name='${jsonBody.replace(/'/g, '&#39;')}' value='"}'></form>`,
    '/submit-form': `<form method="post" action="${E2E.baseURL}/api/jobs"><input name="name" value="${forged}"></form>`,
    '/cancel': `<form method="post" action="${E2E.baseURL}/api/jobs/${id}/cancel"></form>`,
  });
  try {
    for (const [path, target] of [
      ['/submit', '/api/jobs'],
      ['/submit-form', '/api/jobs'],
      ['/cancel', `/api/jobs/${id}/cancel`],
    ]) {
      const answer = await submitFrom(page, `${site.origin}${path}`, `${E2E.baseURL}${target}`);
      expect(answer.status(), path).toBe(403);
      // 403, not 401: the browser did send the session cookie, and the origin check refused it.
      expect(((await answer.json()) as { detail: string }).detail).toContain(`not ${site.origin}`);
    }
  } finally {
    await site.close();
  }
  // The scheduler may have admitted it meanwhile; what matters is that nobody cancelled it.
  const after = await page.request.get(`/api/jobs/${id}`);
  expect(((await after.json()) as { state: string }).state).not.toBe('cancelled');
  const mine = (await (await page.request.get('/api/jobs?pageSize=200')).json()) as { items: Array<{ name: string }> };
  const names = mine.items.map((j) => j.name);
  expect(names).toContain(job.name);
  expect(names).not.toContain(forged);
  // The same cancel from Gantry's own page works: the refusal above was the origin, nothing else.
  expect((await page.request.post(`/api/jobs/${id}/cancel`, { headers: FROM_GANTRY_PAGE })).status()).toBe(200);
});

test("signing out takes a POST with next-auth's CSRF token: a cross-site GET ends nothing", async ({ page }) => {
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  await page.goto('/api/auth/signout');
  expect((await page.request.get('/api/me')).status()).toBe(200);
});

for (const target of ['//other-host/x', '/\\other-host', 'https://evil.example/', '/\t/evil.example']) {
  test(`sign-in with callbackUrl=${JSON.stringify(target)} lands on / of Gantry`, async ({ page }) => {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel('Email').fill('ada@gantry.local');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByTestId('user-name')).toBeVisible();
    expect(page.url()).toBe(`${E2E.baseURL}/`);
  });
}

test('a same-origin callbackUrl still brings the user back where they were', async ({ page }) => {
  await page.goto('/queue');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fqueue$/);
  await page.getByLabel('Email').fill('ada@gantry.local');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(`${E2E.baseURL}/queue`);
});

test('the API answers unknown paths and non-decimal ids with problem JSON', async ({ page }) => {
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);
  const unknown = await page.request.get('/api/no-such-route/at-all');
  expect(unknown.status()).toBe(404);
  expect(unknown.headers()['content-type']).toContain('application/problem+json');
  const hex = await page.request.get('/api/jobs/0x10');
  expect(hex.status()).toBe(400);
  expect(((await hex.json()) as { errors: unknown[] }).errors).toEqual([{ field: 'id', message: 'Not a job id' }]);
  const nul = await page.request.get('/api/jobs?team=a%00b');
  expect(nul.status()).toBe(400);
});

test('pages carry a nonce CSP and still work: sign-in, DAG, charts, share page', async ({ page, browser }) => {
  const violations = await watchCsp(page);
  const signin = await page.goto('/signin');
  const first = await expectCsp(page, signin);
  await signIn(page, 'ada@gantry.local', DEMO_PASSWORD);

  // The DAG view (dagre, SVG positioned with style attributes).
  const preview = await page.goto('/workflows/preview');
  expect(await expectCsp(page, preview)).not.toBe(first); // a fresh nonce per response
  await page.getByLabel('Workflow YAML').fill(PREVIEW_EXAMPLES.find((e) => e.id === 'diamond')!.yaml);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByTestId('dag-view').getByRole('button', { name: 'B, Not started' })).toBeVisible();

  // Recharts: a sweep's Pareto scatter on its page, then on its public share page.
  const sweep = await page.request.post('/api/benchmarks/sweeps', {
    headers: FROM_GANTRY_PAGE,
    data: {
      name: `CSP sweep ${Date.now()}`,
      simulate: true,
      seed: 3,
      definition: {
        models: ['mistral-7b'],
        engines: ['vllm'],
        quantizations: ['fp16', 'awq'],
        precisions: ['fp16'],
        gpuKinds: ['l40s'],
        gpuCounts: [1],
        batchSizes: [1, 16],
        sequenceLengths: [512],
      },
    },
  });
  expect(sweep.status()).toBe(201);
  const datasetId = ((await sweep.json()) as { dataset: { id: string } }).dataset.id;
  const datasetPage = await page.goto(`/benchmarks/${datasetId}`);
  await expectCsp(page, datasetPage);
  await expect(page.getByTestId('pareto-scatter').locator('svg.recharts-surface')).toBeVisible();

  const share = await page.request.post('/api/shares', {
    headers: FROM_GANTRY_PAGE,
    data: {
      datasetId,
      title: 'CSP share',
      settings: {
        criteria: ['tokensPerSecond', 'ttftMeanMs'],
        weights: [1, 1],
        directions: ['benefit', 'cost'],
        normalization: 'vector',
        constraints: [],
      },
    },
  });
  expect(share.status()).toBe(201);
  const { path } = (await share.json()) as { path: string };
  const anon = await browser.newContext();
  try {
    const visitor = await anon.newPage();
    const visitorViolations = await watchCsp(visitor);
    const shared = await visitor.goto(path);
    await expectCsp(visitor, shared);
    await expect(visitor.getByRole('heading', { name: 'CSP share' })).toBeVisible();
    await expect(visitor.getByTestId('pareto-scatter').locator('svg.recharts-surface')).toBeVisible();
    expect(visitorViolations).toEqual([]);
  } finally {
    await anon.close();
  }

  expect(violations).toEqual([]);
});

test('the GPUs page draws its time-series charts under the CSP', async ({ page }) => {
  const violations = await watchCsp(page);
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await waitForPoolReadings(page);
  const gpus = await page.goto('/gpus');
  await expectCsp(page, gpus);
  await expect(page.getByTestId('series-chart').first().locator('svg.recharts-surface')).toBeVisible();
  expect(violations).toEqual([]);
});

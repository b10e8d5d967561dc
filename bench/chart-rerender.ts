// Chart re-render on a range change, in Chromium against a whole Gantry (`npm start` path, fresh data
// folder, spare ports). One pool is given 30 days of history (raw 24 h, 1-minute 7 days, 1-hour 30
// days) so each range draws up to 1,000 points. Measured in the page: from the click on another range
// (1h -> 24h -> 7d -> 30d -> 1h) to the first frame painted after the pool chart's SVG line shows that
// range's data. "not cached": the request is sent at the click (round trip + query + render);
// "prefetched": the range's first visit once the chart's background prefetch has arrived; "cached":
// later visits, served from the TanStack Query cache. Target < 100 ms.
import { sql } from 'drizzle-orm';
import { chromium, type Page, type Route } from 'playwright-core';
import { startStack } from './stack';

const ADMIN_PASSWORD = 'bench-admin-password';
const RANGES = ['1h', '24h', '7d', '30d'] as const;
const PAGE_LOADS = 3;
const CACHED_CYCLES = 5;

async function waitFor<T>(what: string, fn: () => Promise<T | null>, deadline: number): Promise<T> {
  while (Date.now() < deadline) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Runs in the page, so it is plain JavaScript text: tsx would otherwise add its own helpers (__name)
// to a function passed to page.evaluate, which do not exist there.
const MEASURE = `(r) => new Promise((resolve, reject) => {
  const fig = document.querySelector('[data-testid="series-chart"]');
  const button = [...document.querySelectorAll('[role="radiogroup"][aria-label="Time range"] [role="radio"]')].find((b) => b.textContent === r);
  const shown = () => fig.dataset.range === r && fig.querySelector('.recharts-line-curve')?.getAttribute('d');
  const t0 = performance.now();
  const timer = setTimeout(() => reject(new Error('range ' + r + ' never drew')), 30000);
  let finished = false;
  const done = () => {
    if (finished) return;
    finished = true;
    observer.disconnect();
    clearTimeout(timer);
    // The next animation frame runs before the paint that shows the committed DOM; the task queued
    // from it runs after that paint.
    const committed = performance.now() - t0;
    requestAnimationFrame(() => setTimeout(() => resolve([committed, performance.now() - t0]), 0));
  };
  const observer = new MutationObserver(() => shown() && done());
  observer.observe(fig, { attributes: true, childList: true, subtree: true });
  button.click();
  if (shown()) done();
})`;

/** Clicks the pool charts' range button; resolves with ms until the new line is in the DOM and until it has been painted. */
async function measureRangeChange(page: Page, range: string): Promise<{ committed: number; painted: number }> {
  const [committed, painted] = await page.evaluate<[number, number]>(`(${MEASURE})(${JSON.stringify(range)})`);
  return { committed, painted };
}

function summarize(name: string, times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 10) / 10;
  return { case: name, runs: s.length, medianMs: q(0.5), p90Ms: q(0.9), maxMs: Math.round(s[s.length - 1] * 10) / 10 };
}

export async function benchChartRerender() {
  const stack = await startStack({ web: 3197, pg: 54397, sim: 6597 }, { GANTRY_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const base = stack.url;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${base}/signin`);
    await page.getByLabel('Email').fill('admin@gantry.local');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${base}/gpus`);
    const pool = (await page.getByRole('tablist', { name: 'Pool' }).getByRole('tab').first().textContent())!.trim();

    // History for that pool's GPUs, once the telemetry loop has registered them; buckets stop 10
    // minutes back so the worker's own rollups never collide with them.
    const handle = stack.db;
    {
      const gpus = await waitFor(
        'the pool GPUs',
        async () => {
          const [{ n }] = Array.from(
            (await handle.db.execute(
              sql`select count(*)::int as n from gpu_devices where pool = ${pool}`,
            )) as unknown as { n: number }[],
          );
          return n > 0 ? n : null;
        },
        Date.now() + 60_000,
      );
      const wave = (t: string, period: number) =>
        sql.raw(`greatest(0, least(100, 55 + 35 * sin(extract(epoch from ${t}) / ${period} + d.id) + 8 * random()))`);
      await handle.db
        .execute(sql`insert into gpu_rollups_1h (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
        select d.id, b, 360, ${wave('b', 90000)}, 0, 100, 9000, 0, 15000, 40, 10, 70
        from gpu_devices d cross join generate_series(date_trunc('hour', now() - interval '30 days'), now() - interval '70 minutes', interval '1 hour') b
        where d.pool = ${pool} on conflict do nothing`);
      await handle.db
        .execute(sql`insert into gpu_rollups_1m (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
        select d.id, b, 6, ${wave('b', 9000)}, 0, 100, 9000, 0, 15000, 40, 10, 70
        from gpu_devices d cross join generate_series(date_trunc('minute', now() - interval '7 days'), now() - interval '10 minutes', interval '1 minute') b
        where d.pool = ${pool} on conflict do nothing`);
      await handle.db.execute(sql`insert into gpu_samples (device_id, ts, util, fb, power)
        select d.id, b, ${wave('b', 3000)}, 9000, 40
        from gpu_devices d cross join generate_series(date_trunc('minute', now() - interval '24 hours'), now() - interval '10 minutes', interval '10 seconds') b
        where d.pool = ${pool} on conflict do nothing`);
      await handle.db.execute(sql`analyze`);
      console.log(`seeded 30 days of history for pool ${pool} (${gpus} GPUs)`);
    }

    const isPoolSeries = (url: string, r: string) =>
      url.includes('/api/telemetry/series?') && url.includes('scope=pool') && url.includes(`range=${r}`);
    const uncached: number[] = [];
    const prefetched: number[] = [];
    const cached: number[] = [];
    const cachedCommits: number[] = [];
    const byRange: Record<string, number[]> = {};
    // "not cached": the chart's background prefetch of the other ranges is held in the browser and
    // sent only when that range is clicked, so the click pays the whole round trip and the query.
    for (let load = 0; load < PAGE_LOADS; load++) {
      const held = new Map<string, Route>();
      await page.route('**/api/telemetry/series?*', (route) => {
        const r = RANGES.slice(1).find((x) => isPoolSeries(route.request().url(), x));
        if (r && !held.has(r)) held.set(r, route);
        else void route.continue();
      });
      await page.goto(`${base}/gpus`);
      await page.locator('[data-testid="series-chart"][data-range="1h"] .recharts-line-curve').first().waitFor();
      await waitFor('the held prefetches', async () => (held.size === 3 ? true : null), Date.now() + 30_000);
      for (const r of [...RANGES.slice(1), RANGES[0]]) {
        const measuring = measureRangeChange(page, r);
        await held.get(r)?.continue();
        const ms = (await measuring).painted;
        if (r !== '1h') {
          uncached.push(ms);
          (byRange[r] ??= []).push(ms);
        }
      }
      await page.unroute('**/api/telemetry/series?*');
    }
    // "prefetched": a range's first visit after the page has drawn and gone idle.
    for (let load = 0; load < PAGE_LOADS; load++) {
      const prefetches = Promise.all(
        RANGES.slice(1).map((r) => page.waitForResponse((res) => isPoolSeries(res.url(), r), { timeout: 60_000 })),
      );
      await page.goto(`${base}/gpus`);
      await page.locator('[data-testid="series-chart"][data-range="1h"] .recharts-line-curve').first().waitFor();
      await prefetches;
      const seen = new Set<string>(['1h']);
      for (let cycle = 0; cycle < (load === 0 ? CACHED_CYCLES + 1 : 1); cycle++) {
        for (const r of [...RANGES.slice(1), RANGES[0]]) {
          const { committed, painted } = await measureRangeChange(page, r);
          (seen.has(r) ? cached : prefetched).push(painted);
          if (seen.has(r)) cachedCommits.push(committed);
          seen.add(r);
        }
      }
    }
    const rows = [
      summarize('range change, not cached (round trip + query + render)', uncached),
      summarize('range change, first visit, prefetched in the background', prefetched),
      summarize('range change, cached (render only)', cached),
    ];
    for (const [r, t] of Object.entries(byRange)) rows.push(summarize(`  not cached, -> ${r}`, t));
    rows.push(summarize('  cached: click to the new line in the DOM (before paint)', cachedCommits));
    return rows;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

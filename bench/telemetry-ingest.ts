// Telemetry against a real PostgreSQL: CPU per scrape of 2,000 GPUs (ingestScrape), and chart and
// usage queries over a year of synthetic rollups (a 250-GPU pool, teams, a 2,000-GPU pool). Uses the
// database at GANTRY_BENCH_DATABASE_URL when set (a throwaway one!), else starts an embedded
// PostgreSQL in a temp folder.
// Run alone: npx tsx -e "import('./bench/telemetry-ingest.ts').then(m => m.benchTelemetryStorage()).then(r => console.table(r))"
import { sql } from 'drizzle-orm';
import { createDb, type DbHandle } from '@/lib/db/client';
import { generateDcgmScrape } from './telemetry';
import { logger } from '@/lib/log';
import { SYSTEM_ACTOR, type Ctx } from '@/lib/server/context';
import { getUsageReport } from '@/lib/server/telemetry/get-usage-report';
import { ingestScrape } from '@/lib/server/telemetry/ingest-scrape';
import { querySeries } from '@/lib/server/telemetry/query-series';
import { rollupAndPrune, rollupPools } from '@/lib/server/telemetry/rollup-and-prune';
import { startThrowawayPostgres } from '@/tests/global-setup';
import { processCpuMs } from './proc';

export type StorageBenchResult = { name: string; value: number; unit: string; note: string };

export interface StorageBenchOptions {
  /** GPUs per scrape (default 2,000 = 250 nodes x 8) */
  gpus?: number;
  scrapes?: number;
  /** GPUs given a year of 1-hour rollups and a week of 1-minute ones (default 250: one large pool; loading takes minutes) */
  historyGpus?: number;
  poolSize?: number;
  /** GPUs each held by one pod a day for a year, for the usage table (default 2,000; cheap to load) */
  usageGpus?: number;
  /** GPUs of the one big pool given a year of 1-hour rollups, charted from pool aggregates (default 2,000; 0 skips) */
  bigPoolGpus?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function withDatabase<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const external = process.env.GANTRY_BENCH_DATABASE_URL;
  if (external) {
    const h = createDb(external, { max: 1 });
    try {
      return await fn(h);
    } finally {
      await h.close();
    }
  }
  const pg = await startThrowawayPostgres('gantry-bench-pg-', 'gantry_bench');
  try {
    const h = createDb(pg.url, { max: 1 });
    try {
      return await fn(h);
    } finally {
      await h.close();
    }
  } finally {
    await pg.stop();
  }
}

async function timeQuery(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: plan cache, buffers
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export async function benchTelemetryStorage(opts: StorageBenchOptions = {}): Promise<StorageBenchResult[]> {
  const gpus = opts.gpus ?? 2000;
  const scrapes = opts.scrapes ?? 12;
  const historyGpus = opts.historyGpus ?? 250;
  const poolSize = opts.poolSize ?? 250;
  const usageGpus = Math.max(opts.usageGpus ?? 2000, historyGpus);
  const bigPoolGpus = opts.bigPoolGpus ?? 2000;
  const out: StorageBenchResult[] = [];
  await withDatabase(async (h) => {
    const ctx: Ctx = { db: h.db, actor: SYSTEM_ACTOR, log: logger().child({ bench: 'telemetry' }) };
    const [{ pid }] = Array.from(
      (await h.db.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[],
    );
    const nodes = Math.ceil(gpus / 8);
    const pods: Record<string, { jobId: string; owner: string; team: string }> = {};
    for (let i = 0; i < nodes * 8; i++)
      pods[`gantry-jobs/gantry-${i}-train`] = { jobId: `job-${i}`, owner: `user-${i % 40}`, team: `team-${i % 5}` };
    const texts = Array.from({ length: 3 }, (_, i) => generateDcgmScrape(nodes, 8, i + 1));
    const start = Date.now() - scrapes * 10_000;
    await ingestScrape({ ctx, input: { at: start - 10_000, scrapes: [{ node: null, text: texts[0] }], pods } }); // creates devices
    const cpu0 = process.cpuUsage();
    const pg0 = processCpuMs(pid);
    const wall0 = performance.now();
    for (let i = 0; i < scrapes; i++) {
      await ingestScrape({
        ctx,
        input: { at: start + i * 10_000, scrapes: [{ node: null, text: texts[i % 3] }], pods },
      });
    }
    const wall = (performance.now() - wall0) / scrapes;
    const cpu = process.cpuUsage(cpu0);
    const nodeMs = (cpu.user + cpu.system) / 1000 / scrapes;
    const pgMs = pg0 === null ? null : (processCpuMs(pid)! - pg0) / scrapes;
    out.push({
      name: `ingest ${gpus} GPUs, Node CPU per scrape`,
      value: round(nodeMs),
      unit: 'ms',
      note: `parse + normalise + 3 bulk statements; ${round((nodeMs / 10_000) * 100)} % of one core at one scrape per 10 s`,
    });
    if (pgMs !== null)
      out.push({
        name: `ingest ${gpus} GPUs, PostgreSQL CPU per scrape`,
        value: round(pgMs),
        unit: 'ms',
        note: `the backend's own CPU; Node + PostgreSQL = ${round(((nodeMs + pgMs) / 10_000) * 100)} % of one core`,
      });
    out.push({
      name: `ingest ${gpus} GPUs, wall time per scrape`,
      value: round(wall),
      unit: 'ms',
      note: `${scrapes} scrapes`,
    });
    const rawBytes = await scalar(h, sql`select pg_total_relation_size('gpu_samples') as v`);
    const rawRows = await scalar(h, sql`select count(*) as v from gpu_samples`);
    out.push({
      name: 'raw storage per sample row (table + indexes)',
      value: round(rawBytes / rawRows),
      unit: 'bytes',
      note: `x ${gpus} GPUs x 8,640 scrapes = ${round(((rawBytes / rawRows) * gpus * 8640) / 1e9)} GB for the 24 h raw tier, then pruned`,
    });

    const r0 = performance.now();
    await rollupAndPrune({ ctx, input: { now: start + scrapes * 10_000 + 60_000 } });
    out.push({
      name: `rollupAndPrune after ${scrapes} scrapes`,
      value: round(performance.now() - r0),
      unit: 'ms',
      note: 'wall, every 60 s in the worker',
    });

    // A year of 1-hour rollups and a week of 1-minute rollups for historyGpus, pools of poolSize.
    const now = Date.now();
    const yearAgo = new Date(Math.floor((now - 365 * DAY) / HOUR) * HOUR).toISOString();
    const weekAgo = new Date(Math.floor((now - 7 * DAY) / 60_000) * 60_000).toISOString();
    const f0 = performance.now();
    await h.db.execute(sql`insert into gpu_devices (key, node, pool, kind, model)
      select 'hist-' || g || '/GPU-' || g, 'hist-node-' || (g / 8), 'hist-pool-' || (g / ${poolSize}), 'h100-80gb', 'NVIDIA H100 80GB HBM3'
      from generate_series(0, ${usageGpus - 1}) g`);
    await h.db
      .execute(sql`insert into gpu_rollups_1h (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
      select d.id, b, 360, 50 + 40 * sin(extract(epoch from b) / 40000 + d.id), 0, 100, 40000, 0, 80000, 400, 70, 700
      from gpu_devices d cross join generate_series(${yearAgo}::timestamptz, now(), interval '1 hour') b
      where d.key like 'hist-%' and d.pool in (select distinct pool from gpu_devices where key like 'hist-%' order by pool limit ${Math.ceil(historyGpus / poolSize)})`);
    await h.db
      .execute(sql`insert into gpu_rollups_1m (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
      select d.id, b, 6, 50 + 40 * sin(extract(epoch from b) / 4000 + d.id), 0, 100, 40000, 0, 80000, 400, 70, 700
      from gpu_devices d cross join generate_series(${weekAgo}::timestamptz, now(), interval '1 minute') b
      where d.key like 'hist-%' and d.pool in (select distinct pool from gpu_devices where key like 'hist-%' order by pool limit ${Math.ceil(historyGpus / poolSize)})`);
    // Each GPU held by one pod per day for a year, teams and users rotating.
    await h.db
      .execute(sql`insert into gpu_assignments (device_id, namespace, pod, day, job_id, owner, team, first_seen_at, last_seen_at, samples, util_samples, util_sum)
      select d.id, 'gantry-jobs', 'hist-' || d.id || '-' || day::date, day::date, 'job-' || d.id || '-' || day::date, 'user-' || (d.id % 40), 'team-' || (d.id % 5),
        day + interval '1 hour', day + interval '20 hours', 6840, 6840, 6840 * 50
      from gpu_devices d cross join generate_series(${yearAgo}::timestamptz, now() - interval '1 day', interval '1 day') day where d.key like 'hist-%'`);
    await h.db.execute(
      sql`insert into teams (slug, name) select 'team-' || g, 'team-' || g from generate_series(0, 4) g on conflict do nothing`,
    );
    await h.db.execute(sql`analyze`);
    const hourRows = await scalar(h, sql`select count(*) as v from gpu_rollups_1h`);
    out.push({
      name: 'synthetic history loaded',
      value: round((performance.now() - f0) / 1000),
      unit: 's',
      note: `${hourRows.toLocaleString('en')} 1-hour rows (a year x ${historyGpus} GPUs), a week of 1-minute rows, a year of daily pods on ${usageGpus} GPUs`,
    });

    const pool = await timeQuery(7, () =>
      querySeries({ ctx, input: { scope: 'pool', id: 'hist-pool-0', range: '7d', metric: 'util' } }),
    );
    out.push({
      name: `7-day pool chart (${poolSize} GPUs), median`,
      value: round(pool),
      unit: 'ms',
      note: 'querySeries: 1-hour tier, <= 1,000 points; budget 200 ms',
    });
    const pool30 = await timeQuery(5, () =>
      querySeries({ ctx, input: { scope: 'pool', id: 'hist-pool-0', range: '30d', metric: 'util' } }),
    );
    out.push({
      name: `30-day pool chart (${poolSize} GPUs), median`,
      value: round(pool30),
      unit: 'ms',
      note: 'querySeries: 1-hour tier',
    });
    const gpu7 = await timeQuery(7, () =>
      querySeries({ ctx, input: { scope: 'gpu', id: 'hist-3/GPU-3', range: '7d', metric: 'util' } }),
    );
    out.push({
      name: '7-day single-GPU chart, median',
      value: round(gpu7),
      unit: 'ms',
      note: 'querySeries: 1-minute tier, LTTB to 1,000 points',
    });
    const usage = await timeQuery(5, () =>
      getUsageReport({ ctx, input: { period: 'day', groupBy: 'team', days: 30 } }),
    );
    out.push({
      name: `30-day team usage table (${usageGpus} GPUs), median`,
      value: round(usage),
      unit: 'ms',
      note: 'getUsageReport; budget 200 ms',
    });
    const team = await timeQuery(5, () =>
      querySeries({ ctx, input: { scope: 'team', id: 'team-0', range: '30d', metric: 'util' } }),
    );
    out.push({
      name: `30-day team chart (${usageGpus / 5} GPUs held daily), median`,
      value: round(team),
      unit: 'ms',
      note: 'querySeries scope=team: 1-hour tier within the holds',
    });
    if (bigPoolGpus > 0) out.push(...(await benchBigPool(h, ctx, bigPoolGpus, now, yearAgo)));
  });
  return out;
}

/**
 * A pool of `gpus` GPUs with a year of 1-hour rollups: the 7-day chart aggregated from per-GPU rows
 * (what querySeries did before pool rollups) against the pool aggregates the rollup loop writes. The
 * pool's 1-hour aggregates are backfilled by the loop's own rollupPools from the GPU rows; its week of
 * 1-minute aggregates (10,080 rows) is inserted directly, as a week of per-GPU minutes would be 20 M rows.
 */
async function benchBigPool(
  h: DbHandle,
  ctx: Ctx,
  gpus: number,
  now: number,
  yearAgo: string,
): Promise<StorageBenchResult[]> {
  const out: StorageBenchResult[] = [];
  const f0 = performance.now();
  await h.db.execute(sql`insert into gpu_devices (key, node, pool, kind, model)
    select 'big-' || g || '/GPU-' || g, 'big-node-' || (g / 8), 'big-pool', 'h100-80gb', 'NVIDIA H100 80GB HBM3' from generate_series(0, ${gpus - 1}) g`);
  await h.db
    .execute(sql`insert into gpu_rollups_1h (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
    select d.id, b, 360, 50 + 40 * sin(extract(epoch from b) / 40000 + d.id), 0, 100, 40000, 0, 80000, 400, 70, 700
    from gpu_devices d cross join generate_series(${yearAgo}::timestamptz, now() - interval '1 hour', interval '1 hour') b where d.pool = 'big-pool'`);
  await h.db
    .execute(sql`insert into gpu_pool_rollups (pool, tier, bucket, devices, samples, util_avg, fb_sum, power_sum)
    select 'big-pool', '1m', b, ${gpus}, ${gpus * 6}, 50 + 40 * sin(extract(epoch from b) / 4000), ${gpus * 40000}, ${gpus * 400}
    from generate_series(date_trunc('minute', now() - interval '7 days'), now() - interval '1 minute', interval '1 minute') b`);
  await h.db.execute(sql`analyze`);
  const rows1h = await scalar(h, sql`select count(*) as v from gpu_rollups_1h`);
  out.push({
    name: `big pool history loaded`,
    value: round((performance.now() - f0) / 1000),
    unit: 's',
    note: `${gpus} GPUs x a year of 1-hour rows; ${rows1h.toLocaleString('en')} 1-hour rows in all`,
  });
  const b0 = performance.now();
  const written = await rollupPools(h.db, '1h', Math.floor(now / HOUR) * HOUR, now);
  out.push({
    name: 'pool 1-hour aggregates backfilled from a year of GPU rows',
    value: round((performance.now() - b0) / 1000),
    unit: 's',
    note: `${written.toLocaleString('en')} buckets over every pool; once, on the first rollup after upgrading`,
  });
  const clock = Date.now(); // loading took minutes: the latest synthetic minute is near the clock, not `now`
  const minute = Math.floor((clock - 60_000) / 60_000) * 60_000;
  const m0 = performance.now();
  await h.db
    .execute(sql`insert into gpu_rollups_1m (device_id, bucket, samples, util_avg, util_min, util_max, fb_avg, fb_min, fb_max, power_avg, power_min, power_max)
    select d.id, ${new Date(minute).toISOString()}::timestamptz, 5, 50, 0, 100, 40000, 0, 80000, 400, 70, 700 from gpu_devices d where d.pool = 'big-pool'`);
  const mRows = await rollupPools(h.db, '1m', minute + 60_000, clock + 120_000);
  out.push({
    name: `pool 1-minute aggregate of one minute (${gpus} GPUs)`,
    value: round(performance.now() - m0),
    unit: 'ms',
    note: `${mRows} bucket(s) rewritten; what the rollup loop adds every 60 s (insert of the GPU minutes included)`,
  });

  const ids = sql`(select id from gpu_devices where pool = 'big-pool')`;
  const weekAgo = new Date(now - 7 * DAY).toISOString();
  const perGpu = await timeQuery(5, () =>
    h.db.execute(sql`select extract(epoch from bucket) * 1000 as t, avg(util_avg) as v from gpu_rollups_1h
      where device_id in ${ids} and bucket >= ${weekAgo}::timestamptz group by bucket order by bucket`),
  );
  out.push({
    name: `7-day ${gpus}-GPU pool chart from per-GPU 1-hour rows, median`,
    value: round(perGpu),
    unit: 'ms',
    note: `${(gpus * 168).toLocaleString('en')} rows aggregated per request: the path before pool rollups`,
  });
  const pool7 = await timeQuery(7, () =>
    querySeries({ ctx, input: { scope: 'pool', id: 'big-pool', range: '7d', metric: 'util' } }),
  );
  out.push({
    name: `7-day ${gpus}-GPU pool chart, median`,
    value: round(pool7),
    unit: 'ms',
    note: 'querySeries: pool aggregates, 1-minute tier (10,080 rows), LTTB to 1,000 points; budget 200 ms',
  });
  const pool30 = await timeQuery(5, () =>
    querySeries({ ctx, input: { scope: 'pool', id: 'big-pool', range: '30d', metric: 'power' } }),
  );
  out.push({
    name: `30-day ${gpus}-GPU pool chart, median`,
    value: round(pool30),
    unit: 'ms',
    note: 'querySeries: pool aggregates, 1-hour tier',
  });
  return out;
}

async function scalar(h: DbHandle, q: ReturnType<typeof sql>): Promise<number> {
  const [row] = Array.from((await h.db.execute(q)) as unknown as { v: unknown }[]);
  return Number(row.v);
}

const round = (v: number) => Math.round(v * 100) / 100;

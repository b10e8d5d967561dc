import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { gpuAssignments, gpuDevices, gpuRollups1h, gpuRollups1m, gpuSamples } from '@/lib/db/schema';
import { parseDcgmText, toGpuSamples } from '@/lib/domain/telemetry/dcgm';
import { MAX_CHART_POINTS } from '@/lib/domain/telemetry/lttb';
import type { Ctx } from '@/lib/server/context';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { AppError } from '../errors';
import { exportUsageCsv } from './export-usage-csv';
import { getJobGpuUsage } from './get-job-gpu-usage';
import { getPoolHeatmap } from './get-pool-heatmap';
import { ingestScrape } from './ingest-scrape';
import { listIdleGpus } from './list-idle-gpus';
import { notifyIdleGpus } from './notify-idle-gpus';
import { querySeries } from './query-series';
import { rollupAndPrune } from './rollup-and-prune';
import { rows } from '@/lib/db/driver-row';
import { updateTelemetrySettings } from './update-telemetry-settings';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// A fixed, hour-aligned instant so bucket arithmetic in the expectations is exact.
const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);

async function makeDevice(
  ctx: Ctx,
  key: string,
  opts: { pool?: string; kind?: string; node?: string; migProfile?: string } = {},
) {
  const [d] = await ctx.db
    .insert(gpuDevices)
    .values({
      key,
      node: opts.node ?? key.split('/')[0],
      pool: opts.pool ?? 'h100',
      kind: opts.kind ?? 'h100-80gb',
      migProfile: opts.migProfile ?? null,
    })
    .returning();
  return d.id;
}

/** Raw samples every 10 s over [from, to), value from fn(t). */
async function addSamples(ctx: Ctx, deviceId: number, from: number, to: number, fn: (t: number) => number | null) {
  const values = [];
  for (let t = from; t < to; t += 10_000) values.push({ deviceId, ts: new Date(t), util: fn(t), fb: 1000, power: 100 });
  for (let i = 0; i < values.length; i += 5000) await ctx.db.insert(gpuSamples).values(values.slice(i, i + 5000));
}

const count = async (ctx: Ctx, table: string) =>
  (await rows<{ n: number }>(ctx.db, sql.raw(`select count(*)::int as n from ${table}`)))[0].n;

describeWithReference('ingesting real dcgm-exporter outputs', () => {
  it('stores the MIG A100 sample as a GPU and a MIG instance, with pods mapped to jobs by label', () =>
    withRollback(async (ctx) => {
      const text = readReference('gpu', 'dcgm-exporter', 'sample-metrics-mig-a100.cloud-native-docs.prom');
      const result = await ingestScrape({
        ctx,
        input: {
          at: T0,
          scrapes: [{ node: null, text }],
          nodes: {
            'ub20-a100-k8s': {
              pool: 'a100-mig',
              kinds: [
                { id: 'a100-40gb-mig-1g.5gb', migProfile: '1g.5gb' },
                { id: 'a100-40gb', migProfile: null },
              ],
            },
          },
        },
      });
      expect(result).toMatchObject({ devices: 2, samples: 2 });
      const devices = await ctx.db.select().from(gpuDevices).orderBy(gpuDevices.key);
      expect(devices.map((d) => [d.key, d.kind, d.migProfile])).toEqual([
        ['ub20-a100-k8s/GPU-34319582-d595-d1c7-d1d2-179bcfa61660', 'a100-40gb', null],
        ['ub20-a100-k8s/GPU-34319582-d595-d1c7-d1d2-179bcfa61660/mig-13', 'a100-40gb-mig-1g.5gb', '1g.5gb'],
      ]);
      const samples = await ctx.db.select().from(gpuSamples);
      const byDevice = new Map(samples.map((s) => [s.deviceId, s]));
      const whole = byDevice.get(devices[0].id)!;
      expect(whole.util).toBeCloseTo(99.563, 2);
      expect(whole.fb).toBe(4845);
      expect(whole.power).toBeCloseTo(409.692, 2);
      expect(byDevice.get(devices[1].id)!.util).toBeCloseTo(99.5687, 2);
    }));

  it('attributes the Datadog T4 fixture pods to the job named by the pod label, and a rescrape adds one sample per device', () =>
    withRollback(async (ctx) => {
      const text = readReference(
        'gpu',
        'dcgm-exporter',
        'datadog-integrations-core',
        'dcgm-tests-fixtures-metrics.txt',
      );
      const gpus = toGpuSamples(parseDcgmText(text));
      const held = gpus.flatMap((g) => g.pods);
      const pods = Object.fromEntries(
        held.map((p) => [`${p.namespace}/${p.pod}`, { jobId: 'job-42', owner: 'ada', team: 'vision' }]),
      );
      const first = await ingestScrape({ ctx, input: { at: T0, scrapes: [{ node: 'gpu-node-1', text }], pods } });
      expect(first.devices).toBe(gpus.length);
      await ingestScrape({ ctx, input: { at: T0 + 10_000, scrapes: [{ node: 'gpu-node-1', text }], pods } });
      expect(await count(ctx, 'gpu_samples')).toBe(2 * gpus.length);
      expect(await count(ctx, 'gpu_devices')).toBe(gpus.length);
      const devices = await ctx.db.select().from(gpuDevices);
      expect(devices.every((d) => d.node === 'gpu-node-1' && d.key.startsWith('gpu-node-1/'))).toBe(true);
      const assigned = await ctx.db.select().from(gpuAssignments);
      expect(assigned.length).toBe(held.length);
      if (held.length) {
        expect(assigned.every((a) => a.jobId === 'job-42' && a.team === 'vision')).toBe(true);
        expect(assigned[0].lastSeenAt.getTime()).toBe(T0 + 10_000);
        expect(assigned[0].firstSeenAt.getTime()).toBe(T0);
        expect(assigned[0]).toMatchObject({ day: '2026-11-02', samples: 2 });
        // the same scrape stored twice (a retried loop run) counts once
        await ingestScrape({ ctx, input: { at: T0 + 10_000, scrapes: [{ node: 'gpu-node-1', text }], pods } });
        expect((await ctx.db.select().from(gpuAssignments)).every((a) => a.samples === 2)).toBe(true);
        expect(await count(ctx, 'gpu_samples')).toBe(2 * gpus.length);
      }
    }));
});

describe('rollups and retention', () => {
  it('closes 1-minute and 1-hour buckets whose averages equal the raw means, and a rerun changes nothing', () =>
    withRollback(async (ctx) => {
      const d = await makeDevice(ctx, 'n1/GPU-a');
      // 2 h of readings: util = minute-of-hour, so each minute's mean is known exactly.
      await addSamples(ctx, d, T0, T0 + 2 * HOUR, (t) => Math.floor((t - T0) / MINUTE) % 60);
      const now = T0 + 2 * HOUR + MINUTE;
      const first = await rollupAndPrune({ ctx, input: { now } });
      expect(first.minuteBuckets).toBe(120);
      expect(first.hourBuckets).toBe(2);
      const minutes = await ctx.db.select().from(gpuRollups1m).orderBy(gpuRollups1m.bucket);
      expect(minutes).toHaveLength(120);
      expect(minutes[7]).toMatchObject({ samples: 6, utilAvg: 7, utilMin: 7, utilMax: 7 });
      const hours = await ctx.db.select().from(gpuRollups1h).orderBy(gpuRollups1h.bucket);
      expect(hours.map((h) => h.bucket.getTime())).toEqual([T0, T0 + HOUR]);
      expect(hours[0]).toMatchObject({ samples: 360, utilMin: 0, utilMax: 59 });
      expect(hours[0].utilAvg).toBeCloseTo(29.5, 5);

      const again = await rollupAndPrune({ ctx, input: { now } });
      expect(again).toMatchObject({ minuteBuckets: 0, hourBuckets: 0 });
      expect(await count(ctx, 'gpu_rollups_1m')).toBe(120);
      expect(await count(ctx, 'gpu_rollups_1h')).toBe(2);
    }));

  it('leaves the open minute alone and rewrites a closed minute when a late scrape lands in it', () =>
    withRollback(async (ctx) => {
      const d = await makeDevice(ctx, 'n1/GPU-b');
      await addSamples(ctx, d, T0, T0 + 90_000, () => 10);
      await rollupAndPrune({ ctx, input: { now: T0 + 90_000, graceMs: 0 } });
      expect((await ctx.db.select().from(gpuRollups1m)).map((r) => r.samples)).toEqual([6]);
      await ctx.db.insert(gpuSamples).values({ deviceId: d, ts: new Date(T0 + 5_000), util: 70, fb: 1, power: 1 });
      const r = await rollupAndPrune({ ctx, input: { now: T0 + 2 * MINUTE + 1, graceMs: 0 } });
      expect(r.minuteBuckets).toBe(2);
      const m = await ctx.db.select().from(gpuRollups1m).orderBy(gpuRollups1m.bucket);
      expect(m.map((x) => x.samples)).toEqual([7, 3]);
      expect(m[0].utilAvg).toBeCloseTo((6 * 10 + 70) / 7, 4);
    }));

  it('deletes raw rows after 24 h, 1-minute rows after 7 days and 1-hour rows after a year', () =>
    withRollback(async (ctx) => {
      const d = await makeDevice(ctx, 'n1/GPU-c');
      const now = T0 + 400 * DAY;
      const bucket = (t: number) => ({ deviceId: d, bucket: new Date(t), samples: 1, utilAvg: 1 });
      await ctx.db.insert(gpuSamples).values([
        { deviceId: d, ts: new Date(now - DAY - MINUTE), util: 1 },
        { deviceId: d, ts: new Date(now - DAY + 5 * MINUTE), util: 1 },
      ]);
      await ctx.db.insert(gpuRollups1m).values([bucket(now - 8 * DAY), bucket(now - 6 * DAY)]);
      await ctx.db.insert(gpuRollups1h).values([bucket(now - 366 * DAY), bucket(now - 300 * DAY)]);
      const r = await rollupAndPrune({ ctx, input: { now } });
      expect(r.pruned).toMatchObject({ raw: 1, '1m': 1, '1h': 1 });
      expect(await count(ctx, 'gpu_samples')).toBe(1);
      // the surviving raw sample was rolled into its minute; the old 1m row fed no hour (past 7 days)
      expect((await ctx.db.select().from(gpuRollups1h)).map((h) => h.bucket.getTime())).toContain(now - 300 * DAY);
    }));
});

describe('series and heatmap', () => {
  it('charts one GPU from raw samples over 1 h and a pool from 1-hour rollups over 7 days, each at most 1,000 points', () =>
    withRollback(async (ctx) => {
      const a = await makeDevice(ctx, 'n1/GPU-s1', { pool: 'p1' });
      const b = await makeDevice(ctx, 'n2/GPU-s2', { pool: 'p1' });
      const now = T0 + 7 * DAY;
      await addSamples(ctx, a, now - HOUR, now, () => 40);
      await addSamples(ctx, b, now - HOUR, now, () => 60);
      // 25 GPUs: a pool that big reads 1-hour buckets for 7 days (1-minute ones would be 250,000 rows)
      const others = [];
      for (let i = 0; i < 23; i++) others.push(await makeDevice(ctx, `n3/GPU-x${i}`, { pool: 'p1' }));
      const hours = [];
      for (let t = now - 7 * DAY; t < now; t += HOUR) {
        for (const id of [a, b, ...others])
          hours.push({
            deviceId: id,
            bucket: new Date(t),
            samples: 360,
            utilAvg: id === a ? 10 : 30,
            fbAvg: 100,
            powerAvg: 50,
          });
      }
      for (let i = 0; i < hours.length; i += 2000) await ctx.db.insert(gpuRollups1h).values(hours.slice(i, i + 2000));

      const gpu = await querySeries({
        ctx,
        input: { scope: 'gpu', id: 'n1/GPU-s1', range: '1h', metric: 'util', now },
      });
      expect(gpu.tier).toBe('raw');
      expect(gpu.points.length).toBe(360);
      expect(gpu.points.every((p) => p.v === 40)).toBe(true);

      const pool = await querySeries({ ctx, input: { scope: 'pool', id: 'p1', range: '7d', metric: 'util', now } });
      expect(pool.tier).toBe('1h');
      expect(pool.devices).toBe(25);
      expect(pool.points.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
      expect(pool.points.length).toBeGreaterThanOrEqual(168);
      expect(pool.points.every((p) => Math.abs(p.v - (10 + 24 * 30) / 25) < 1e-9)).toBe(true);
      const power = await querySeries({ ctx, input: { scope: 'pool', id: 'p1', range: '7d', metric: 'power', now } });
      expect(power.points[0].v).toBe(25 * 50); // power adds up across the pool's GPUs

      const poolHour = await querySeries({ ctx, input: { scope: 'node', id: 'n2', range: '1h', now } });
      expect(poolHour.points.every((p) => p.v === 60)).toBe(true);

      const heat = await getPoolHeatmap({ ctx, input: { pool: 'p1', range: '1h', now } });
      expect(heat.gpus.slice(0, 2).map((g) => g.key)).toEqual(['n1/GPU-s1', 'n2/GPU-s2']);
      expect(heat.gpus[0].cells.filter((c) => c !== null).every((c) => c === 40)).toBe(true);
      expect(heat.gpus[1].cells.filter((c) => c !== null).length).toBeGreaterThanOrEqual(59);

      await expect(querySeries({ ctx, input: { scope: 'gpu', id: 'nope', range: '1h' } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(querySeries({ ctx, input: { scope: 'gpu', id: 'x', range: '2h' } })).rejects.toBeInstanceOf(
        AppError,
      );
    }));

  it('downsamples a 24 h single-GPU chart to 1,000 points with LTTB', () =>
    withRollback(async (ctx) => {
      const a = await makeDevice(ctx, 'n1/GPU-l');
      const now = T0 + DAY;
      await addSamples(ctx, a, now - DAY + 10_000, now, (t) => 50 + 40 * Math.sin(t / 600_000));
      const s = await querySeries({ ctx, input: { scope: 'gpu', id: 'n1/GPU-l', range: '24h', now } });
      expect(s.tier).toBe('raw');
      expect(s.points).toHaveLength(MAX_CHART_POINTS);
    }));
});

describe('idle GPUs', () => {
  it('flags a held GPU under the threshold for the whole window, not a busy one or one with a gap in its data', () =>
    withRollback(async (ctx) => {
      const now = T0 + 2 * HOUR;
      const seen = (deviceId: number, pod: string, jobId: string) => ({
        deviceId,
        namespace: 'gantry-jobs',
        pod,
        jobId,
        owner: 'ada',
        team: 'vision',
        firstSeenAt: new Date(now - HOUR),
        lastSeenAt: new Date(now - 5_000),
      });
      const idle = await makeDevice(ctx, 'n1/GPU-idle');
      const busy = await makeDevice(ctx, 'n1/GPU-busy');
      const gap = await makeDevice(ctx, 'n1/GPU-gap');
      const young = await makeDevice(ctx, 'n1/GPU-young');
      await addSamples(ctx, idle, now - 40 * MINUTE, now, () => 1);
      await addSamples(ctx, busy, now - 40 * MINUTE, now, (t) => (t > now - 3 * MINUTE ? 80 : 1));
      await addSamples(ctx, gap, now - 40 * MINUTE, now, (t) =>
        t > now - 20 * MINUTE && t < now - 10 * MINUTE ? null : 0,
      );
      await addSamples(ctx, young, now - 40 * MINUTE, now, () => 0);
      await ctx.db
        .insert(gpuAssignments)
        .values([
          seen(idle, 'p-idle', 'job-idle'),
          seen(busy, 'p-busy', 'job-busy'),
          seen(gap, 'p-gap', 'job-gap'),
          { ...seen(young, 'p-young', 'job-young'), firstSeenAt: new Date(now - 10 * MINUTE) },
        ]);
      const list = await listIdleGpus({ ctx, input: { now } });
      expect(list).toMatchObject({ thresholdPercent: 5, windowMinutes: 30 });
      expect(list.gpus.map((g) => g.deviceKey)).toEqual(['n1/GPU-idle']);
      expect(list.gpus[0]).toMatchObject({
        jobIds: ['job-idle'],
        owners: ['ada'],
        teams: ['vision'],
        sharing: 'exclusive',
        attribution: 'device',
      });

      // the thresholds are admin settings: 0.5 % makes the 1 % GPU busy enough
      await updateTelemetrySettings({ ctx, input: { idleThresholdPercent: 0.5 } });
      expect((await listIdleGpus({ ctx, input: { now } })).gpus).toEqual([]);
      await updateTelemetrySettings({ ctx, input: { idleThresholdPercent: 5, idleWindowMinutes: 2 } });
      expect((await listIdleGpus({ ctx, input: { now } })).gpus.map((g) => g.deviceKey).sort()).toEqual([
        'n1/GPU-gap',
        'n1/GPU-idle',
        'n1/GPU-young',
      ]); // the gap is older than 2 min

      const job = await getJobGpuUsage({ ctx, input: { jobId: 'job-idle', now } });
      expect(job.gpus).toHaveLength(1);
      expect(job.gpus[0].avgUtilization).toBeCloseTo(1, 3);
      expect(job.idle.map((g) => g.deviceKey)).toEqual(['n1/GPU-idle']);
      expect((await getJobGpuUsage({ ctx, input: { jobId: 'job-busy', now } })).idle).toEqual([]);
    }));

  it('puts one GPU_IDLE event on the job holding an idle GPU, however often the loop runs', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx);
      const owner = await makeUser(ctx, { teamId: team.id });
      const [job] = await rows<{ id: number }>(
        ctx.db,
        sql`insert into jobs (name, kind, team_id, user_id, priority, gpu_kind, gpu_count, expected_runtime_seconds, max_runtime_seconds, spec, state)
            values ('idle-train', 'training', ${team.id}, ${owner.id}, 'normal', 'h100-80gb', 1, 3600, 7200, '{}'::jsonb, 'running') returning id`,
      );
      const now = T0 + 2 * HOUR;
      const d = await makeDevice(ctx, 'n1/GPU-notify');
      await addSamples(ctx, d, now - 40 * MINUTE, now, () => 0);
      await ctx.db.insert(gpuAssignments).values({
        deviceId: d,
        namespace: 'gantry-jobs',
        pod: 'gantry-x',
        jobId: String(job.id),
        firstSeenAt: new Date(now - HOUR),
        lastSeenAt: new Date(now - 5_000),
      });
      expect(await notifyIdleGpus({ ctx, input: { now } })).toEqual({ events: 1 });
      expect(await notifyIdleGpus({ ctx, input: { now: now + 10_000 } })).toEqual({ events: 0 });
      // busy again, then idle for a new window: a new streak, a new event
      await ctx.db.insert(gpuSamples).values({ deviceId: d, ts: new Date(now), util: 90 });
      await addSamples(ctx, d, now + 10_000, now + 40 * MINUTE, () => 0);
      await ctx.db.update(gpuAssignments).set({ lastSeenAt: new Date(now + 40 * MINUTE - 5_000) });
      expect(await notifyIdleGpus({ ctx, input: { now: now + 40 * MINUTE } })).toEqual({ events: 1 });
      const events = await rows<{ cause: string; message: string }>(
        ctx.db,
        sql`select cause, message from job_events where job_id = ${job.id}`,
      );
      expect(events).toHaveLength(2);
      expect(events[0].message).toMatch(/^GPU n1\/GPU-notify has stayed under 5 % utilization for 30 minutes/);
    }));

  it('lets only admins list idle GPUs and change the settings, with field errors for bad values', () =>
    withRollback(async (ctx) => {
      const researcher = await makeUser(ctx, { role: 'researcher' });
      await expect(listIdleGpus({ ctx: as(ctx, researcher) })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(
        updateTelemetrySettings({ ctx: as(ctx, researcher), input: { idleWindowMinutes: 5 } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const bad = await updateTelemetrySettings({
        ctx,
        input: { idleThresholdPercent: 120, prices: { 'H100 80GB': 2 } },
      }).catch((e) => e);
      expect(bad).toBeInstanceOf(AppError);
      expect(bad.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'idleThresholdPercent',
        'prices.H100 80GB',
      ]);
    }));
});

describe('usage accounting', () => {
  it('sums allocated and utilization-weighted GPU-hours per team and user, prices them, and exports CSV', () =>
    withRollback(async (ctx) => {
      const now = T0 + 6 * HOUR;
      const a = await makeDevice(ctx, 'n1/GPU-u1', { kind: 'h100-80gb' });
      const b = await makeDevice(ctx, 'n1/GPU-u2', { kind: 'h100-80gb' });
      // team vision (ada) held two GPUs for 2 h at 50 % and 100 %; nlp (grace) one for 1 h at 20 %,
      // half of it unmeasured (a MIG parent without utilization, say)
      const held = (
        deviceId: number,
        pod: string,
        owner: string,
        team: string,
        from: number,
        hours: number,
        util: number,
        measuredShare = 1,
      ) => {
        const samples = hours * 360;
        const utilSamples = Math.round(samples * measuredShare);
        return {
          deviceId,
          namespace: 'gantry-jobs',
          pod,
          day: '2026-11-02',
          jobId: pod,
          owner,
          team,
          firstSeenAt: new Date(from),
          lastSeenAt: new Date(from + hours * HOUR - 10_000),
          samples,
          utilSamples,
          utilSum: utilSamples * util,
        };
      };
      await ctx.db
        .insert(gpuAssignments)
        .values([
          held(a, 'p1', 'ada', 'vision', T0, 2, 50),
          held(b, 'p2', 'ada', 'vision', T0, 2, 100),
          held(a, 'p3', 'grace', 'nlp', T0 + 3 * HOUR, 1, 20, 0.5),
        ]);
      await updateTelemetrySettings({ ctx, input: { prices: { 'h100-80gb': 2.5 } } });

      const csv = await exportUsageCsv({ ctx, input: { period: 'day', groupBy: 'team', days: 1, now } });
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe(
        'period,periodStart,team,user,gpuKind,allocatedGpuHours,measuredGpuHours,usedGpuHours,utilization,pricePerGpuHour,cost,idleCost',
      );
      expect(lines.slice(1)).toEqual([
        'day,2026-11-02,nlp,,h100-80gb,1.0000,0.5000,0.1000,0.2000,2.5000,2.50,1.00',
        'day,2026-11-02,vision,,h100-80gb,4.0000,4.0000,3.0000,0.7500,2.5000,10.00,2.50',
      ]);
      const byUser = await exportUsageCsv({ ctx, input: { period: 'week', groupBy: 'user', days: 1, now } });
      expect(byUser).toContain('week,2026-11-02,vision,ada,h100-80gb,4.0000');
    }));
});

import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { MAX_CHART_POINTS, prepareChartSeries, type Point } from '@/lib/domain/telemetry/lttb';
import { planSeriesQuery } from '@/lib/domain/telemetry/rollup';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { intArray, selectDevices } from './select-devices';
import { ChartRange, Metric, RANGE_MS, rows, SCRAPE_INTERVAL_MS, Scope, toNum } from './shared';

export const QuerySeriesInput = z.object({
  scope: Scope,
  id: z.string().min(1, 'Name the GPU, node, pool or job'),
  range: ChartRange.default('1h'),
  metric: Metric.default('util'),
  now: z.number().int().positive().optional(),
});
export type QuerySeriesInput = z.input<typeof QuerySeriesInput>;

export interface SeriesView {
  scope: Scope;
  id: string;
  metric: Metric;
  range: ChartRange;
  tier: 'raw' | '1m' | '1h';
  from: number;
  to: number;
  devices: number;
  /** util: mean % over the devices; fb (MiB) and power (W): their total */
  points: Point[];
}

// Rows a query may read before a coarser tier is chosen: keeps a 7-day pool chart on 1-hour
// buckets while a single GPU gets 1-minute detail (then LTTB to 1,000 points).
const ROW_BUDGET = 200_000;
const MAX_TIER_POINTS = 11_000;

/** A chart series for a GPU, node, pool or job over 1 h / 24 h / 7 d / 30 d, at most 1,000 points. */
export async function querySeries({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SeriesView> {
  requireRole(ctx, 'viewer');
  const q = parseInput(QuerySeriesInput, input);
  const now = q.now ?? Date.now();
  const devices = await selectDevices(ctx.db, q.scope, q.id);
  if (devices.ids.length === 0 && q.scope !== 'pool') throw notFound(`No GPU telemetry for ${q.scope} ${q.id}`);
  let from = now - RANGE_MS[q.range];
  let to = now;
  if (devices.heldFrom !== null && devices.heldTo !== null) {
    from = Math.max(from, devices.heldFrom);
    to = Math.min(to, devices.heldTo + SCRAPE_INTERVAL_MS);
  }
  const maxPoints = Math.min(MAX_TIER_POINTS, Math.max(MAX_CHART_POINTS, Math.floor(ROW_BUDGET / Math.max(1, devices.ids.length))));
  const plan = planSeriesQuery({ from: now - RANGE_MS[q.range], to: now, now, rawIntervalMs: SCRAPE_INTERVAL_MS, maxPoints });
  const tier = plan.tier.name;
  const base = { scope: q.scope, id: q.id, metric: q.metric, range: q.range, tier, from, to, devices: devices.ids.length };
  if (devices.ids.length === 0 || to <= from) return { ...base, points: [] };

  const combine = q.metric === 'util' ? sql.raw('avg') : sql.raw('sum');
  const iso = (t: number) => new Date(t).toISOString();
  const query =
    tier === 'raw'
      ? sql`select extract(epoch from ts) * 1000 as t, ${combine}(${sql.raw(q.metric)}) as v from gpu_samples
            where device_id = any(${intArray(devices.ids)}) and ts >= ${iso(from)}::timestamptz and ts <= ${iso(to)}::timestamptz
            group by ts order by ts`
      : sql`select extract(epoch from bucket) * 1000 as t, ${combine}(${sql.raw(`${q.metric}_avg`)}) as v from ${sql.raw(tier === '1m' ? 'gpu_rollups_1m' : 'gpu_rollups_1h')}
            where device_id = any(${intArray(devices.ids)}) and bucket >= ${iso(from)}::timestamptz and bucket <= ${iso(to)}::timestamptz
            group by bucket order by bucket`;
  const list = await rows<{ t: unknown; v: unknown }>(ctx.db, query);
  const points = prepareChartSeries(list.map((r) => ({ t: Number(r.t), v: toNum(r.v) })));
  return { ...base, points };
}

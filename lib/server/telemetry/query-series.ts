import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { MAX_CHART_POINTS, prepareChartSeries, type Point } from '@/lib/domain/telemetry/lttb';
import { planSeriesQuery, RETENTION_POLICY } from '@/lib/domain/telemetry/rollup';
import { hasRole, requireRole, type Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { requireVisibleJobLabel } from '../jobs/job-access';
import { parseInput } from '../validate';
import { listChartTeams } from './list-chart-teams';
import { intArray, selectDevices } from './select-devices';
import { rows } from '@/lib/db/driver-row';
import { ChartRange, Metric, RANGE_MS, SCRAPE_INTERVAL_MS, Scope, toNum } from './shared';

const QuerySeriesInput = z.object({
  scope: Scope,
  id: z.string().min(1, 'Name the GPU, node, pool, job or team'),
  range: ChartRange.default('1h'),
  metric: Metric.default('util'),
  now: z.number().int().positive().optional(),
});
type QuerySeriesInput = z.input<typeof QuerySeriesInput>;

export interface SeriesView {
  scope: Scope;
  id: string;
  metric: Metric;
  range: ChartRange;
  tier: 'raw' | '1m' | '1h';
  /** per-GPU rows aggregated at query time, or the pool aggregates the rollup loop writes (big pools) */
  source: 'devices' | 'pool';
  from: number;
  to: number;
  devices: number;
  /**
   * util: mean % over the devices; fb (MiB) and power (W): their total. For a team, only readings
   * taken while one of its pods held the device count; a time-sliced GPU counts whole for every team on it.
   */
  points: Point[];
}

// Rows a query may read before a coarser tier is chosen: keeps a 7-day pool chart on 1-hour
// buckets while a single GPU gets 1-minute detail (then LTTB to 1,000 points). At 50,000 a 24-hour
// chart of more than 5 GPUs reads 1-minute buckets (1,441 a GPU) rather than raw samples (8,640 a
// GPU), which is what makes an uncached range change fast; it still draws 1,000 points.
const ROW_BUDGET = 50_000;
const MAX_TIER_POINTS = 11_000;
/**
 * From this many GPUs a pool chart reads gpu_pool_rollups (one row per bucket) instead of every
 * GPU's buckets: a 7-day chart of 2,000 GPUs would otherwise aggregate 336,000 1-hour rows.
 */
export const POOL_ROLLUP_MIN_GPUS = 1000;
const ROLLUP_TIERS = RETENTION_POLICY.filter((t) => t.name !== 'raw');

/** A chart series for a GPU, node, pool, job or team over 1 h / 24 h / 7 d / 30 d, at most 1,000 points. */
export async function querySeries({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SeriesView> {
  requireRole(ctx, 'viewer');
  const q = parseInput(QuerySeriesInput, input);
  const now = q.now ?? Date.now();
  if (q.scope === 'team') await requireTeamAccess(ctx, q.id);
  // A job's series is the job's own: owner, team and admins; others get 404 (docs/security.md).
  if (q.scope === 'job') await requireVisibleJobLabel(ctx, q.id);
  const devices = await selectDevices(ctx.db, q.scope, q.id, { from: now - RANGE_MS[q.range], to: now });
  if (devices.ids.length === 0 && q.scope !== 'pool' && q.scope !== 'team')
    throw notFound(`No GPU telemetry for ${q.scope} ${q.id}`);
  let from = now - RANGE_MS[q.range];
  let to = now;
  if (devices.heldFrom !== null && devices.heldTo !== null) {
    from = Math.max(from, devices.heldFrom);
    to = Math.min(to, devices.heldTo + SCRAPE_INTERVAL_MS);
  }
  const fromPool = q.scope === 'pool' && devices.ids.length >= POOL_ROLLUP_MIN_GPUS;
  const maxPoints = fromPool
    ? MAX_TIER_POINTS
    : Math.min(MAX_TIER_POINTS, Math.max(MAX_CHART_POINTS, Math.floor(ROW_BUDGET / Math.max(1, devices.ids.length))));
  const plan = planSeriesQuery({
    from: now - RANGE_MS[q.range],
    to: now,
    now,
    rawIntervalMs: SCRAPE_INTERVAL_MS,
    maxPoints,
    policy: fromPool ? ROLLUP_TIERS : undefined,
  });
  const tier = plan.tier.name;
  const source = fromPool ? ('pool' as const) : ('devices' as const);
  const base = {
    scope: q.scope,
    id: q.id,
    metric: q.metric,
    range: q.range,
    tier,
    source,
    from,
    to,
    devices: devices.ids.length,
  };
  if (devices.ids.length === 0 || to <= from) return { ...base, points: [] };
  if (fromPool) return { ...base, points: await readPoolRollups(ctx, q.id, tier as '1m' | '1h', q.metric, from, to) };

  const combine = q.metric === 'util' ? sql.raw('avg') : sql.raw('sum');
  const iso = (t: number) => new Date(t).toISOString();
  const held = (at: string) => (devices.heldBy ? sql` and ${devices.heldBy(sql.raw(at), plan.tier.bucketMs)}` : sql``);
  const query =
    tier === 'raw'
      ? sql`select extract(epoch from s.ts) * 1000 as t, ${combine}(s.${sql.raw(q.metric)}) as v from gpu_samples s
            where s.device_id = any(${intArray(devices.ids)}) and s.ts >= ${iso(from)}::timestamptz and s.ts <= ${iso(to)}::timestamptz${held('s.ts')}
            group by s.ts order by s.ts`
      : sql`select extract(epoch from s.bucket) * 1000 as t, ${combine}(s.${sql.raw(`${q.metric}_avg`)}) as v from ${sql.raw(tier === '1m' ? 'gpu_rollups_1m' : 'gpu_rollups_1h')} s
            where s.device_id = any(${intArray(devices.ids)}) and s.bucket >= ${iso(from)}::timestamptz and s.bucket <= ${iso(to)}::timestamptz${held('s.bucket')}
            group by s.bucket order by s.bucket`;
  const list = await rows<{ t: unknown; v: unknown }>(ctx.db, query);
  const points = prepareChartSeries(list.map((r) => ({ t: Number(r.t), v: toNum(r.v) })));
  return { ...base, points };
}

async function readPoolRollups(
  ctx: Ctx,
  pool: string,
  tier: '1m' | '1h',
  metric: Metric,
  from: number,
  to: number,
): Promise<Point[]> {
  const column = sql.raw(metric === 'util' ? 'util_avg' : `${metric}_sum`);
  const list = await rows<{ t: unknown; v: unknown }>(
    ctx.db,
    sql`select extract(epoch from bucket) * 1000 as t, ${column} as v from gpu_pool_rollups
        where pool = ${pool} and tier = ${tier} and bucket >= ${new Date(from).toISOString()}::timestamptz and bucket <= ${new Date(to).toISOString()}::timestamptz
        order by bucket`,
  );
  return prepareChartSeries(list.map((r) => ({ t: Number(r.t), v: toNum(r.v) })));
}

/** Admins chart any team; everyone else only the teams they are in. */
async function requireTeamAccess(ctx: Ctx, slug: string): Promise<void> {
  const allowed = await listChartTeams({ ctx });
  if (allowed.includes(slug)) return;
  if (hasRole(ctx.actor, 'admin')) throw notFound(`Team ${slug}`);
  throw forbidden(
    allowed.length
      ? `You can chart only your own teams (${allowed.join(', ')}), not ${slug}`
      : `You are in no team, so you cannot chart team ${slug}`,
  );
}

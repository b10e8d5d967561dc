import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { rows } from '@/lib/db/driver-row';
import { ChartRange, RANGE_MS, toMs, toNum } from './shared';

const GetPoolHeatmapInput = z.object({
  pool: z.string().min(1, 'Name the pool'),
  range: ChartRange.default('1h'),
  now: z.number().int().positive().optional(),
});

export interface HeatmapView {
  pool: string;
  range: ChartRange;
  /** start of each column, ms */
  columns: number[];
  columnMs: number;
  gpus: { key: string; node: string; migProfile: string | null; cells: (number | null)[] }[];
}

const MINUTE = 60_000;
// Per range: which table to read and how wide a column is (about 50-60 columns each).
const LAYOUT: Record<ChartRange, { table: string; ts: string; value: string; columnMs: number }> = {
  '1h': { table: 'gpu_samples', ts: 'ts', value: 'util', columnMs: MINUTE },
  '24h': { table: 'gpu_rollups_1m', ts: 'bucket', value: 'util_avg', columnMs: 30 * MINUTE },
  '7d': { table: 'gpu_rollups_1h', ts: 'bucket', value: 'util_avg', columnMs: 180 * MINUTE },
  '30d': { table: 'gpu_rollups_1h', ts: 'bucket', value: 'util_avg', columnMs: 720 * MINUTE },
};

/** GPUs x time for one pool: mean utilization per GPU per column, null where nothing was read. */
export async function getPoolHeatmap({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<HeatmapView> {
  requireRole(ctx, 'viewer');
  const q = parseInput(GetPoolHeatmapInput, input);
  const now = q.now ?? Date.now();
  const l = LAYOUT[q.range];
  const first = Math.floor((now - RANGE_MS[q.range]) / l.columnMs) * l.columnMs;
  const columns: number[] = [];
  for (let t = first; t <= now; t += l.columnMs) columns.push(t);
  const devices = await rows<{ id: number; key: string; node: string; mig_profile: string | null }>(
    ctx.db,
    sql`select id, key, node, mig_profile from gpu_devices where pool = ${q.pool} order by node, key`,
  );
  if (devices.length === 0) return { pool: q.pool, range: q.range, columns, columnMs: l.columnMs, gpus: [] };
  const origin = new Date(first).toISOString();
  const cells = await rows<{ device_id: number; col: unknown; v: unknown }>(
    ctx.db,
    sql`select s.device_id, date_bin(make_interval(secs => ${l.columnMs / 1000}), s.${sql.raw(l.ts)}, ${origin}::timestamptz) as col, avg(s.${sql.raw(l.value)}) as v
        from ${sql.raw(l.table)} s join gpu_devices d on d.id = s.device_id
        where d.pool = ${q.pool} and s.${sql.raw(l.ts)} >= ${origin}::timestamptz
        group by 1, 2`,
  );
  const index = new Map(devices.map((d, i) => [Number(d.id), i]));
  const grid = devices.map(() => columns.map((): number | null => null));
  for (const c of cells) {
    const row = index.get(Number(c.device_id));
    const col = Math.round((toMs(c.col) - first) / l.columnMs);
    if (row !== undefined && col >= 0 && col < columns.length) grid[row][col] = toNum(c.v);
  }
  return {
    pool: q.pool,
    range: q.range,
    columns,
    columnMs: l.columnMs,
    gpus: devices.map((d, i) => ({ key: d.key, node: d.node, migProfile: d.mig_profile, cells: grid[i] })),
  };
}

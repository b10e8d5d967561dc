// Usage accounting: GPU-hours per team or user per day or week, allocated (held) versus used
// (utilization-weighted), priced per GPU kind. Periods are UTC days and ISO weeks (Monday start).
// A unit of a `-shared` kind is one time-sliced replica and is priced as such by its own price.
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const AllocationRecord = z.object({
  jobId: z.string(),
  team: z.string(),
  user: z.string(),
  gpuKind: z.string(),
  /** units of gpuKind held: GPUs, MIG instances or time-sliced replicas */
  gpuCount: z.number().positive(),
  start: z.number(),
  end: z.number(),
  /**
   * Utilization (0-100) of the held devices, sorted or not; each reading holds until the next
   * one (the last until `end`). Time before the first reading counts as unmeasured, not idle.
   */
  utilization: z.array(z.object({ t: z.number(), v: z.number().min(0).max(100) })).default([]),
});
export type AllocationRecord = z.input<typeof AllocationRecord>;

export const UsagePeriod = z.enum(['day', 'week']);
export type UsagePeriod = z.infer<typeof UsagePeriod>;

export const UsageRow = z.object({
  period: UsagePeriod,
  /** YYYY-MM-DD (UTC): the day, or the Monday starting the ISO week */
  periodStart: z.string(),
  team: z.string(),
  /** null when grouped by team */
  user: z.string().nullable(),
  gpuKind: z.string(),
  allocatedGpuHours: z.number(),
  /** allocated GPU-hours for which utilization readings exist */
  measuredGpuHours: z.number(),
  /** sum over measured time of held GPUs x utilization */
  usedGpuHours: z.number(),
  /** usedGpuHours / measuredGpuHours; null when nothing was measured */
  utilization: z.number().nullable(),
  pricePerGpuHour: z.number().nullable(),
  /** allocated hours x price: what holding the GPUs cost, busy or not */
  cost: z.number().nullable(),
  /** cost of the measured-but-unused part: (measured - used) x price */
  idleCost: z.number().nullable(),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const UsageOptions = z.object({
  period: UsagePeriod,
  groupBy: z.enum(['team', 'user']),
  /** price per GPU-hour, by kind id */
  prices: z.record(z.string(), z.number().nonnegative()).default({}),
});
export type UsageOptions = z.input<typeof UsageOptions>;

export function startOfPeriod(t: number, period: UsagePeriod): number {
  const day = Math.floor(t / DAY) * DAY;
  if (period === 'day') return day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * DAY;
}

function nextPeriod(start: number, period: UsagePeriod): number {
  return start + (period === 'day' ? DAY : 7 * DAY);
}

/** Allocation records -> one row per (period, team[, user], kind), sorted. */
export function summarizeUsage(records: readonly AllocationRecord[], options: UsageOptions): UsageRow[] {
  const { period, groupBy, prices } = UsageOptions.parse(options);
  const rows = new Map<string, UsageRow>();
  for (const raw of records) {
    const r = AllocationRecord.parse(raw);
    if (r.end <= r.start) continue;
    const readings = [...r.utilization].sort((a, b) => a.t - b.t);
    for (let p = startOfPeriod(r.start, period); p < r.end; p = nextPeriod(p, period)) {
      const from = Math.max(r.start, p);
      const to = Math.min(r.end, nextPeriod(p, period));
      if (to <= from) continue;
      let measuredMs = 0;
      let usedMs = 0;
      for (let i = 0; i < readings.length; i++) {
        const a = Math.max(readings[i].t, from);
        const b = Math.min(i + 1 < readings.length ? readings[i + 1].t : r.end, to);
        if (b <= a) continue;
        measuredMs += b - a;
        usedMs += ((b - a) * readings[i].v) / 100;
      }
      const periodStart = new Date(p).toISOString().slice(0, 10);
      const user = groupBy === 'user' ? r.user : null;
      const id = [periodStart, r.team, user ?? '', r.gpuKind].join('\u0000');
      const price = prices[r.gpuKind] ?? null;
      const row =
        rows.get(id) ??
        ({
          period,
          periodStart,
          team: r.team,
          user,
          gpuKind: r.gpuKind,
          allocatedGpuHours: 0,
          measuredGpuHours: 0,
          usedGpuHours: 0,
          utilization: null,
          pricePerGpuHour: price,
          cost: null,
          idleCost: null,
        } satisfies UsageRow);
      row.allocatedGpuHours += (r.gpuCount * (to - from)) / HOUR;
      row.measuredGpuHours += (r.gpuCount * measuredMs) / HOUR;
      row.usedGpuHours += (r.gpuCount * usedMs) / HOUR;
      rows.set(id, row);
    }
  }
  const out = [...rows.values()];
  for (const row of out) {
    row.utilization = row.measuredGpuHours > 0 ? row.usedGpuHours / row.measuredGpuHours : null;
    if (row.pricePerGpuHour !== null) {
      row.cost = row.allocatedGpuHours * row.pricePerGpuHour;
      row.idleCost = (row.measuredGpuHours - row.usedGpuHours) * row.pricePerGpuHour;
    }
  }
  return out.sort(
    (a, b) =>
      a.periodStart.localeCompare(b.periodStart) ||
      a.team.localeCompare(b.team) ||
      (a.user ?? '').localeCompare(b.user ?? '') ||
      a.gpuKind.localeCompare(b.gpuKind),
  );
}

const CSV_COLUMNS: (keyof UsageRow)[] = [
  'period',
  'periodStart',
  'team',
  'user',
  'gpuKind',
  'allocatedGpuHours',
  'measuredGpuHours',
  'usedGpuHours',
  'utilization',
  'pricePerGpuHour',
  'cost',
  'idleCost',
];

/** Usage rows -> CSV with a header; hours to 4 decimals, money to 2, unknowns empty. */
export function toCsv(rows: readonly UsageRow[]): string {
  const round = (v: number | null, digits: number) => (v === null ? '' : v.toFixed(digits));
  return stringify(
    rows.map((r) => ({
      ...r,
      user: r.user ?? '',
      allocatedGpuHours: round(r.allocatedGpuHours, 4),
      measuredGpuHours: round(r.measuredGpuHours, 4),
      usedGpuHours: round(r.usedGpuHours, 4),
      utilization: round(r.utilization, 4),
      pricePerGpuHour: round(r.pricePerGpuHour, 4),
      cost: round(r.cost, 2),
      idleCost: round(r.idleCost, 2),
    })),
    { header: true, columns: CSV_COLUMNS as string[] },
  );
}

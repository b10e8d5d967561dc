import { sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  startOfPeriod,
  summarizeUsage,
  UsagePeriod,
  type AllocationRecord,
  type UsageRow,
} from '@/lib/domain/telemetry/usage';
import { hasRole, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { getTelemetrySettings } from './get-telemetry-settings';
import { listChartTeams } from './list-chart-teams';
import { rows } from '@/lib/db/driver-row';
import { SCRAPE_INTERVAL_MS, toNum } from './shared';

const DAY = 86_400_000;

const GetUsageReportInput = z.object({
  period: UsagePeriod.default('day'),
  groupBy: z.enum(['team', 'user']).default('team'),
  days: z.coerce.number().int().min(1).max(366).default(30),
  now: z.number().int().positive().optional(),
});
type GetUsageReportInput = z.input<typeof GetUsageReportInput>;

export interface UsageReportView {
  period: UsagePeriod;
  groupBy: 'team' | 'user';
  from: string;
  to: string;
  rows: UsageRow[];
}

/**
 * GPU-hours per team (the actor's own teams; every team for admins) or user per day or week:
 * allocated (a pod held the device, from the scrapes' pod labels) versus used (the device's
 * utilization over the scrapes that saw the pod), priced per GPU kind. Reads the per-(device, pod,
 * day) counters ingestScrape keeps, aggregated in SQL, so a 30-day table never scans samples or
 * rollups.
 */
export async function getUsageReport({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<UsageReportView> {
  requireRole(ctx, 'viewer');
  const q = parseInput(GetUsageReportInput, input ?? {});
  // Per-person figures are for admins; everyone else sees the totals of their own teams only.
  if (q.groupBy === 'user') requireRole(ctx, 'admin');
  const ownTeams = hasRole(ctx.actor, 'admin') ? null : new Set(await listChartTeams({ ctx }));
  const now = q.now ?? Date.now();
  const from = startOfPeriod(now - (q.days - 1) * DAY, q.period);
  const fromDay = new Date(from).toISOString().slice(0, 10);
  const settings = await getTelemetrySettings({ ctx });
  // date_part gives double precision; extract() would give numeric, several times slower to sum.
  const hold = sql`(date_part('epoch', a.last_seen_at - a.first_seen_at) + ${SCRAPE_INTERVAL_MS / 1000}::float8) / 3600.0`;
  const list = await rows<{
    day: string;
    team: string | null;
    owner: string | null;
    kind: string | null;
    allocated: unknown;
    measured: unknown;
    used: unknown;
  }>(
    ctx.db,
    sql`select a.day::text as day, a.team, ${q.groupBy === 'user' ? sql`a.owner` : sql`null::text`} as owner, d.kind,
          sum(${hold}) as allocated,
          sum(${hold} * a.util_samples / greatest(a.samples, 1)) as measured,
          sum(${hold} * a.util_samples / greatest(a.samples, 1) * a.util_sum / greatest(a.util_samples, 1) / 100.0) as used
        from gpu_assignments a join gpu_devices d on d.id = a.device_id
        where a.day >= ${fromDay}::date and a.first_seen_at <= ${new Date(now).toISOString()}::timestamptz
        group by a.day, a.team, 3, d.kind`,
  );

  // Each (day, team, user, kind) total becomes at most two allocation records over that day: the
  // measured hours at their mean utilization, and the unmeasured rest. summarizeUsage then rolls
  // days into weeks and prices them.
  const records: AllocationRecord[] = [];
  for (const r of list) {
    if (ownTeams && (r.team === null || !ownTeams.has(r.team))) continue;
    const day = Date.parse(`${r.day}T00:00:00Z`);
    const allocated = toNum(r.allocated) ?? 0;
    const measured = toNum(r.measured) ?? 0;
    const used = toNum(r.used) ?? 0;
    const base = {
      jobId: `${r.team}/${r.owner}`,
      team: r.team ?? '(no team)',
      user: r.owner ?? '(unknown)',
      gpuKind: r.kind ?? 'unknown',
      start: day,
      end: day + DAY,
    };
    if (measured > 0)
      records.push({
        ...base,
        gpuCount: measured / 24,
        utilization: [{ t: day, v: Math.min(100, Math.max(0, (used / measured) * 100)) }],
      });
    if (allocated - measured > 1e-9) records.push({ ...base, gpuCount: (allocated - measured) / 24 });
  }
  const usage = summarizeUsage(records, { period: q.period, groupBy: q.groupBy, prices: settings.prices });
  return {
    period: q.period,
    groupBy: q.groupBy,
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    rows: usage,
  };
}

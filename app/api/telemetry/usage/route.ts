// GET /api/telemetry/usage?period=day|week&groupBy=team|user&days=30[&format=csv] - GPU-hours allocated vs used, with cost
import { route } from '@/lib/http/route';
import { exportUsageCsv } from '@/lib/server/telemetry/export-usage-csv';
import { getUsageReport } from '@/lib/server/telemetry/get-usage-report';

export const GET = route({ role: 'viewer' }, async ({ ctx, query }) => {
  const input = {
    period: query.get('period') ?? undefined,
    groupBy: query.get('groupBy') ?? undefined,
    days: query.get('days') ?? undefined,
  };
  if (query.get('format') !== 'csv') return getUsageReport({ ctx, input });
  const csv = await exportUsageCsv({ ctx, input });
  const name = `gpu-usage-${input.period ?? 'day'}-${input.groupBy ?? 'team'}.csv`;
  return new Response(csv, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` },
  });
});

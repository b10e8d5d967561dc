// GET /api/telemetry/usage?period=day|week&groupBy=team|user&days=30[&format=csv] - GPU-hours allocated vs used, with cost
import { queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { exportUsageCsv } from '@/lib/server/telemetry/export-usage-csv';
import { getUsageReport } from '@/lib/server/telemetry/get-usage-report';

export const GET = route(
  { auth: 'user', role: 'viewer', schemas: { query: queryParams('period', 'groupBy', 'days', 'format') } },
  async ({ ctx, query: { format, ...input } }) => {
    if (format !== 'csv') return getUsageReport({ ctx, input });
    const csv = await exportUsageCsv({ ctx, input });
    const name = `gpu-usage-${input.period ?? 'day'}-${input.groupBy ?? 'team'}.csv`;
    return new Response(csv, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` },
    });
  },
);

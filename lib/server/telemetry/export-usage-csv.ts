import { toCsv } from '@/lib/domain/telemetry/usage';
import type { Ctx } from '../context';
import { getUsageReport } from './get-usage-report';

/** The usage report as CSV (one header line, hours to 4 decimals, money to 2). */
export async function exportUsageCsv({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<string> {
  return toCsv((await getUsageReport({ ctx, input })).rows);
}

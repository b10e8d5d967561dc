import { eq } from 'drizzle-orm';
import { telemetrySettings } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';

export interface TelemetrySettingsView {
  idleThresholdPercent: number;
  idleWindowMinutes: number;
  /** price per GPU-hour by GPU kind id */
  prices: Record<string, number>;
  updatedAt: string | null;
}

const DEFAULT_TELEMETRY_SETTINGS: TelemetrySettingsView = {
  idleThresholdPercent: 5,
  idleWindowMinutes: 30,
  prices: {},
  updatedAt: null,
};

/** The admin's idle thresholds and prices; defaults until an admin saves them. */
export async function getTelemetrySettings({ ctx }: { ctx: Ctx }): Promise<TelemetrySettingsView> {
  requireRole(ctx, 'viewer');
  const [row] = await ctx.db.select().from(telemetrySettings).where(eq(telemetrySettings.id, 1));
  if (!row) return DEFAULT_TELEMETRY_SETTINGS;
  return {
    idleThresholdPercent: row.idleThresholdPercent,
    idleWindowMinutes: row.idleWindowMinutes,
    prices: row.prices,
    updatedAt: row.updatedAt.toISOString(),
  };
}

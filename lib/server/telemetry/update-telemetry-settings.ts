import { z } from 'zod';
import { telemetrySettings } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { getTelemetrySettings, type TelemetrySettingsView } from './get-telemetry-settings';

const UpdateTelemetrySettingsInput = z.object({
  idleThresholdPercent: z.number().min(0, 'At least 0 %').max(100, 'At most 100 %').optional(),
  idleWindowMinutes: z
    .number()
    .int('Whole minutes')
    .min(1, 'At least 1 minute')
    .max(7 * 24 * 60, 'At most 7 days')
    .optional(),
  prices: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'A GPU kind id such as h100-80gb'),
      z.number().min(0, 'Not negative').max(10_000),
    )
    .optional(),
});
type UpdateTelemetrySettingsInput = z.infer<typeof UpdateTelemetrySettingsInput>;

/** Admins set the idle threshold and window and the price per GPU-hour per kind (replaces the price list). */
export async function updateTelemetrySettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<TelemetrySettingsView> {
  requireRole(ctx, 'admin');
  const data = parseInput(UpdateTelemetrySettingsInput, input);
  return inTransaction(ctx, async (tx) => {
    const current = await getTelemetrySettings({ ctx: tx });
    const next = {
      idleThresholdPercent: data.idleThresholdPercent ?? current.idleThresholdPercent,
      idleWindowMinutes: data.idleWindowMinutes ?? current.idleWindowMinutes,
      prices: data.prices ?? current.prices,
      updatedAt: new Date(),
    };
    await tx.db
      .insert(telemetrySettings)
      .values({ id: 1, ...next })
      .onConflictDoUpdate({ target: telemetrySettings.id, set: next });
    await recordAudit(tx, 'telemetry.settings.update', 'telemetry-settings', data);
    return getTelemetrySettings({ ctx: tx });
  });
}

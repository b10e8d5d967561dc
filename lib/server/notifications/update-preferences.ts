import { z } from 'zod';
import { notificationPreferences } from '@/lib/db/schema';
import { EVENT_TYPES } from '@/lib/domain/notifications/events';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { getPreferences, type PreferencesView } from './get-preferences';

const Events = z
  .array(z.enum(EVENT_TYPES, { error: `Unknown event; one of ${EVENT_TYPES.join(', ')}` }))
  .max(EVENT_TYPES.length);

const UpdatePreferencesInput = z
  .object({
    consoleEvents: Events,
    emailEvents: Events,
    longJobMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60),
    waitingMinutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 60)
      .nullable(),
  })
  .strict();
type UpdatePreferencesInput = z.infer<typeof UpdatePreferencesInput>;

/** Sets which events reach me on the console and by e-mail. */
export async function updatePreferences({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PreferencesView> {
  requireRole(ctx, 'viewer');
  const data = parseInput(UpdatePreferencesInput, input);
  const values = {
    ...data,
    consoleEvents: [...new Set(data.consoleEvents)],
    emailEvents: [...new Set(data.emailEvents)],
    updatedAt: new Date(),
  };
  await ctx.db
    .insert(notificationPreferences)
    .values({ userId: ctx.actor.id, ...values })
    .onConflictDoUpdate({ target: notificationPreferences.userId, set: values });
  return getPreferences({ ctx });
}

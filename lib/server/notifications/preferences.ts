// Notification preferences: a user's row, or the defaults (lib/domain/notifications/recipients.ts).
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { notificationPreferences } from '@/lib/db/schema';
import { isEventType, type EventType } from '@/lib/domain/notifications/events';
import { DEFAULT_PREFERENCES, type Preferences } from '@/lib/domain/notifications/recipients';

const events = (list: string[]): EventType[] => list.filter(isEventType);

export async function loadPreferences(db: DbOrTx, userIds: string[]): Promise<Map<string, Preferences>> {
  const found = userIds.length
    ? await db.select().from(notificationPreferences).where(inArray(notificationPreferences.userId, userIds))
    : [];
  const out = new Map<string, Preferences>(userIds.map((id) => [id, DEFAULT_PREFERENCES]));
  for (const p of found) {
    out.set(p.userId, {
      consoleEvents: events(p.consoleEvents),
      emailEvents: events(p.emailEvents),
      longJobMinutes: p.longJobMinutes,
      waitingMinutes: p.waitingMinutes,
    });
  }
  return out;
}

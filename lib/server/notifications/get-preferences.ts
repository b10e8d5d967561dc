import { env } from '@/lib/env';
import type { Preferences } from '@/lib/domain/notifications/recipients';
import { requireRole, type Ctx } from '../context';
import { loadPreferences } from './preferences';

export interface PreferencesView extends Preferences {
  /** e-mail goes out only when SMTP_URL is set; the settings page says so */
  emailEnabled: boolean;
  email: string;
}

/** My notification preferences (the defaults until I change them). */
export async function getPreferences({ ctx }: { ctx: Ctx }): Promise<PreferencesView> {
  requireRole(ctx, 'viewer');
  const prefs = (await loadPreferences(ctx.db, [ctx.actor.id])).get(ctx.actor.id)!;
  return { ...prefs, emailEnabled: !!env().SMTP_URL, email: ctx.actor.email };
}

import { desc } from 'drizzle-orm';
import { webhooks } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { resolveScope, toWebhookView, type WebhookScope, type WebhookView } from './webhook-scope';

export async function listWebhooks({ ctx, scope }: { ctx: Ctx; scope?: WebhookScope }): Promise<WebhookView[]> {
  const resolved = await resolveScope(ctx, scope);
  const found = await ctx.db.select().from(webhooks).where(resolved.where).orderBy(desc(webhooks.createdAt));
  return found.map(toWebhookView);
}

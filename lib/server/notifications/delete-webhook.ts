import { eq } from 'drizzle-orm';
import { webhooks } from '@/lib/db/schema';
import { getScopedWebhook, type OneWebhookArgs } from './webhook-scope';

/** Deletes a webhook and its deliveries (pending ones are not sent). */
export async function deleteWebhook({ ctx, input, scope }: OneWebhookArgs): Promise<{ id: string }> {
  const hook = await getScopedWebhook(ctx, scope, input.id);
  await ctx.db.delete(webhooks).where(eq(webhooks.id, hook.id));
  return { id: hook.id };
}

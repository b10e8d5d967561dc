import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { webhooks } from '@/lib/db/schema';
import { checkWebhookUrl } from '@/lib/domain/notifications/destination';
import { EVENT_TYPES } from '@/lib/domain/notifications/events';
import { requireRole, type Ctx } from '../context';
import { invalid } from '../errors';
import { parseInput } from '../validate';
import { sealSecret } from './secret-box';
import { webhookAllowList } from './send-webhook';
import { resolveScope, toWebhookView, type WebhookScope, type WebhookView } from './webhook-scope';

const CreateWebhookInput = z
  .object({
    name: z.string().trim().min(1, 'Give the webhook a name').max(80, 'At most 80 characters'),
    url: z.string().trim().min(1, 'Give the URL to call').max(2000, 'At most 2,000 characters'),
    format: z.enum(['json', 'slack'], { error: 'json or slack' }),
    events: z
      .array(z.enum(EVENT_TYPES, { error: `Unknown event; one of ${EVENT_TYPES.join(', ')}` }))
      .min(1, 'Pick at least one event'),
    secret: z.string().min(16, 'At least 16 characters').max(256, 'At most 256 characters').optional(),
  })
  .strict();
type CreateWebhookInput = z.infer<typeof CreateWebhookInput>;

/** Adds a webhook (mine, or a team's for admins); the secret is sealed and never shown again. */
export async function createWebhook({
  ctx,
  input,
  scope,
}: {
  ctx: Ctx;
  input: unknown;
  scope?: WebhookScope;
}): Promise<WebhookView> {
  requireRole(ctx, 'researcher');
  const resolved = await resolveScope(ctx, scope);
  const data = parseInput(CreateWebhookInput, input);
  const checked = checkWebhookUrl(data.url, webhookAllowList());
  if (!('url' in checked)) throw invalid('The webhook URL is refused', [checked]);
  const nameTaken = () =>
    invalid('A webhook of that name exists', [{ field: 'name', message: `"${data.name}" is taken` }]);
  const [taken] = await ctx.db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(resolved.where, eq(webhooks.name, data.name)));
  if (taken) throw nameTaken();
  const [row] = await ctx.db
    .insert(webhooks)
    .values({
      userId: resolved.userId,
      teamId: resolved.teamId,
      name: data.name,
      url: checked.url.toString(),
      format: data.format,
      events: [...new Set(data.events)],
      secretSealed: data.secret ? sealSecret(data.secret) : null,
      createdBy: ctx.actor.via === 'system' ? null : ctx.actor.id,
    })
    .returning()
    // Two creations of one name racing past the check above: the unique index refuses the second,
    // which is the same bad input (400 naming the field), not a 500.
    .catch((e: unknown) => {
      throw isUniqueViolation(e) ? nameTaken() : e;
    });
  return toWebhookView(row);
}

function isUniqueViolation(e: unknown): boolean {
  const code = (x: unknown) => (x && typeof x === 'object' && 'code' in x ? x.code : undefined);
  return code(e) === '23505' || code((e as { cause?: unknown } | null)?.cause) === '23505';
}

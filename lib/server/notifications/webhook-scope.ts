// Whose webhooks a call is about: the caller's own (/api/me/webhooks) or a team's, which only
// admins set (/api/admin/teams/:slug/webhooks). Another user's webhook does not exist for anyone
// else (404), admins included, as with tokens.
import { and, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { webhooks } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { getTeamId } from '../teams/team-ids';
import { parseInput } from '../validate';

export const WebhookScope = z.union([
  z.object({ team: z.string().trim().min(1).max(100) }),
  z.object({ team: z.undefined().optional() }),
]);
export type WebhookScope = { team?: string };

export interface ResolvedScope {
  userId: string | null;
  teamId: string | null;
  where: SQL;
}

export async function resolveScope(ctx: Ctx, scope: WebhookScope | undefined): Promise<ResolvedScope> {
  const s = parseInput(WebhookScope, scope ?? {});
  if (!s.team) {
    requireRole(ctx, 'viewer');
    return { userId: ctx.actor.id, teamId: null, where: eq(webhooks.userId, ctx.actor.id) };
  }
  requireRole(ctx, 'admin');
  const teamId = await getTeamId(ctx, s.team);
  return { userId: null, teamId, where: eq(webhooks.teamId, teamId) };
}

const Id = z.object({ id: z.uuid({ error: 'Not a webhook id' }) });

/** What a verb about one webhook takes: the id as the route gave it, checked by getScopedWebhook. */
export interface OneWebhookArgs {
  ctx: Ctx;
  input: { id: unknown };
  scope?: WebhookScope;
}

/** The scope's webhook with this id, or 404. */
export async function getScopedWebhook(ctx: Ctx, scope: WebhookScope | undefined, rawId: unknown) {
  const resolved = await resolveScope(ctx, scope);
  const parsed = Id.safeParse({ id: rawId });
  if (!parsed.success) throw notFound('Webhook');
  const [hook] = await ctx.db
    .select()
    .from(webhooks)
    .where(and(resolved.where, eq(webhooks.id, parsed.data.id)));
  if (!hook) throw notFound('Webhook');
  return hook;
}

export interface WebhookView {
  id: string;
  name: string;
  url: string;
  format: 'json' | 'slack';
  events: string[];
  /** the secret itself is never shown again */
  signed: boolean;
  createdAt: string;
}

export function toWebhookView(h: typeof webhooks.$inferSelect): WebhookView {
  return {
    id: h.id,
    name: h.name,
    url: h.url,
    format: h.format,
    events: h.events,
    signed: !!h.secretSealed,
    createdAt: h.createdAt.toISOString(),
  };
}

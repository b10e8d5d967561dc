import { auditLog } from '@/lib/db/schema';
import type { Ctx } from '../context';

/** Appends an audit row inside the caller's transaction, so the action and its record commit together. */
export async function recordAudit(ctx: Ctx, action: string, target: string, details: Record<string, unknown> = {}) {
  await ctx.db.insert(auditLog).values({
    actorId: ctx.actor.via === 'system' ? null : ctx.actor.id,
    action,
    target,
    details,
  });
}

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { PolicyRule } from '@/lib/domain/policy';
import { teamPolicyExceptions, teams } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { parseInput } from '../validate';
import { getTeamPolicy, type TeamPolicyView } from './get-team-policy';

const GrantPolicyExceptionInput = z.object({
  slug: z.string().trim().min(1),
  rule: PolicyRule,
  /** why the team needs it: kept with the exception and in the audit log */
  reason: z
    .string()
    .trim()
    .min(10, 'Say why the team needs it (at least 10 characters)')
    .max(1000, 'At most 1,000 characters'),
});
type GrantPolicyExceptionInput = z.infer<typeof GrantPolicyExceptionInput>;

/** POST /api/admin/teams/:slug/policy/exceptions - one workload policy rule passes for this team (audited). */
export async function grantPolicyException({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TeamPolicyView> {
  requireRole(ctx, 'admin');
  const data = parseInput(GrantPolicyExceptionInput, input);
  return inTransaction(ctx, async (tx) => {
    const [team] = await tx.db.select({ id: teams.id }).from(teams).where(eq(teams.slug, data.slug));
    if (!team) throw notFound('Team');
    const [row] = await tx.db
      .insert(teamPolicyExceptions)
      .values({
        teamId: team.id,
        rule: data.rule,
        reason: data.reason,
        createdBy: ctx.actor.via === 'system' ? null : ctx.actor.id,
      })
      .onConflictDoNothing()
      .returning({ id: teamPolicyExceptions.id });
    if (!row)
      throw conflict(`Team ${data.slug} already has an exception for ${data.rule}`, [
        { field: 'rule', message: 'Already granted' },
      ]);
    await recordAudit(tx, 'team.policy_exception.grant', `team:${data.slug}`, { rule: data.rule, reason: data.reason });
    return getTeamPolicy({ ctx: tx, input: { slug: data.slug } });
  });
}

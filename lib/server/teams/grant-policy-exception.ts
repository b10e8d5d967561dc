import { z } from 'zod';
import { PolicyRule } from '@/lib/domain/policy';
import { teamPolicyExceptions } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict } from '../errors';
import { parseInput } from '../validate';
import { getTeamPolicy, type TeamPolicyView } from './get-team-policy';
import { getTeamId } from './team-ids';

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
    const teamId = await getTeamId(tx, data.slug);
    const [row] = await tx.db
      .insert(teamPolicyExceptions)
      .values({
        teamId,
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

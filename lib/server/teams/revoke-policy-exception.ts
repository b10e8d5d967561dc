import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { teamPolicyExceptions } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { getTeamPolicy, type TeamPolicyView } from './get-team-policy';
import { getTeamId } from './team-ids';

// Any stored rule may be revoked, also one a later version no longer knows.
const RevokePolicyExceptionInput = z.object({
  slug: z.string().trim().min(1),
  rule: z.string().trim().min(1).max(100),
});
type RevokePolicyExceptionInput = z.infer<typeof RevokePolicyExceptionInput>;

/** DELETE /api/admin/teams/:slug/policy/exceptions/:rule - the rule applies to the team again (audited). */
export async function revokePolicyException({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TeamPolicyView> {
  requireRole(ctx, 'admin');
  const data = parseInput(RevokePolicyExceptionInput, input);
  return inTransaction(ctx, async (tx) => {
    const teamId = await getTeamId(tx, data.slug);
    const [row] = await tx.db
      .delete(teamPolicyExceptions)
      .where(and(eq(teamPolicyExceptions.teamId, teamId), eq(teamPolicyExceptions.rule, data.rule)))
      .returning({ reason: teamPolicyExceptions.reason });
    if (!row) throw notFound(`Exception for ${data.rule}`);
    await recordAudit(tx, 'team.policy_exception.revoke', `team:${data.slug}`, { rule: data.rule, reason: row.reason });
    return getTeamPolicy({ ctx: tx, input: { slug: data.slug } });
  });
}

import { eq } from 'drizzle-orm';
import { PolicyRule, type TeamPolicy } from '@/lib/domain/policy';
import { teamPolicyExceptions, teams } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';

/** The team's side of the workload policy, for a submission, a preview or a launch. */
export async function readTeamPolicy(ctx: Ctx, teamId: string): Promise<TeamPolicy> {
  const [team] = await ctx.db
    .select({ level: teams.podSecurity, allowedSecrets: teams.allowedSecrets })
    .from(teams)
    .where(eq(teams.id, teamId));
  if (!team) throw notFound('Team');
  const exceptions = await ctx.db
    .select({ rule: teamPolicyExceptions.rule })
    .from(teamPolicyExceptions)
    .where(eq(teamPolicyExceptions.teamId, teamId));
  // A stored rule id the code no longer knows is ignored rather than trusted.
  return {
    level: team.level,
    allowedSecrets: team.allowedSecrets,
    exceptions: exceptions.map((e) => e.rule).filter(isRule),
  };
}

export function isRule(rule: string): rule is PolicyRule {
  return PolicyRule.safeParse(rule).success;
}

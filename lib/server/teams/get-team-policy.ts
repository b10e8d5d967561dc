import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { RULE_DESCRIPTIONS, type PolicyRule, type TeamPolicy } from '@/lib/domain/policy';
import { teamNamespace } from '@/lib/domain/tenancy';
import { teamPolicyExceptions, teams, users } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { isRule } from './read-team-policy';

export interface TeamPolicyView {
  team: string;
  podSecurity: TeamPolicy['level'];
  allowedSecrets: string[];
  /** Where the team's work runs, and whether an admin mapped it to an existing namespace. */
  namespace: string;
  namespaceMapped: boolean;
  exceptions: Array<{
    rule: string;
    description: string | null;
    reason: string;
    createdBy: string | null;
    createdAt: string;
  }>;
  /** Every rule an exception may name, with what it refuses. */
  rules: Array<{ rule: PolicyRule; description: string }>;
}

const GetTeamPolicyInput = z.object({ slug: z.string().trim().min(1) });

/** GET /api/admin/teams/:slug/policy - what an admin sees and edits. */
export async function getTeamPolicy({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TeamPolicyView> {
  requireRole(ctx, 'admin');
  const { slug } = parseInput(GetTeamPolicyInput, input);
  const [team] = await ctx.db.select().from(teams).where(eq(teams.slug, slug));
  if (!team) throw notFound('Team');
  const exceptions = await ctx.db
    .select({
      rule: teamPolicyExceptions.rule,
      reason: teamPolicyExceptions.reason,
      createdBy: users.email,
      createdAt: teamPolicyExceptions.createdAt,
    })
    .from(teamPolicyExceptions)
    .leftJoin(users, eq(users.id, teamPolicyExceptions.createdBy))
    .where(eq(teamPolicyExceptions.teamId, team.id))
    .orderBy(asc(teamPolicyExceptions.rule));
  return {
    team: team.slug,
    podSecurity: team.podSecurity,
    allowedSecrets: team.allowedSecrets,
    namespace: teamNamespace(team),
    namespaceMapped: team.namespace !== null,
    exceptions: exceptions.map((e) => ({
      ...e,
      description: isRule(e.rule) ? RULE_DESCRIPTIONS[e.rule] : null,
      createdAt: e.createdAt.toISOString(),
    })),
    rules: Object.entries(RULE_DESCRIPTIONS).map(([rule, description]) => ({ rule: rule as PolicyRule, description })),
  };
}

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { PodSecurityLevel } from '@/lib/domain/tenancy';
import { teams } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { invalid, notFound } from '../errors';
import { parseInput } from '../validate';
import { reconcileTeamAfterChange } from '../tenancy/reconcile-team-namespaces';
import { getTeamPolicy, type TeamPolicyView } from './get-team-policy';

// A Secret's name is a DNS subdomain. Gantry's own Secrets (gantry-...) are Gantry's to hand out per
// job: allowing one team-wide would let every job of the team read, say, any sweep's results token.
const SECRET_NAME = z
  .string()
  .trim()
  .max(253, 'At most 253 characters')
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'A Secret name: lowercase letters, digits, dots and dashes')
  .refine((name) => !name.startsWith('gantry-'), 'Secrets named gantry-... are Gantry’s own and are given to jobs by Gantry');

export const SetTeamPolicyInput = z
  .object({
    slug: z.string().trim().min(1),
    /** Pod Security Standards level every workload of the team is checked against */
    podSecurity: PodSecurityLevel.optional(),
    /** Secrets in the team's namespace its workloads may reference */
    allowedSecrets: z.array(SECRET_NAME).max(100, 'At most 100 Secrets').optional(),
  })
  .refine((input) => input.podSecurity !== undefined || input.allowedSecrets !== undefined, {
    message: 'Give podSecurity or allowedSecrets',
    path: ['podSecurity'],
  });
export type SetTeamPolicyInput = z.infer<typeof SetTeamPolicyInput>;

/** PATCH /api/admin/teams/:slug/policy - the team's Pod Security level and allowed Secrets (audited). */
export async function setTeamPolicy({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TeamPolicyView> {
  requireRole(ctx, 'admin');
  const data = parseInput(SetTeamPolicyInput, input);
  const allowedSecrets = data.allowedSecrets ? [...new Set(data.allowedSecrets)].sort() : undefined;
  const view = await inTransaction(ctx, async (tx) => {
    const [before] = await tx.db
      .select({ id: teams.id, podSecurity: teams.podSecurity, allowedSecrets: teams.allowedSecrets })
      .from(teams)
      .where(eq(teams.slug, data.slug))
      .for('update');
    if (!before) throw notFound('Team');
    const after = { podSecurity: data.podSecurity ?? before.podSecurity, allowedSecrets: allowedSecrets ?? before.allowedSecrets };
    if (after.podSecurity === before.podSecurity && sameList(after.allowedSecrets, before.allowedSecrets)) {
      throw invalid('Nothing to change', [{ field: data.podSecurity ? 'podSecurity' : 'allowedSecrets', message: 'is already the team’s' }]);
    }
    await tx.db.update(teams).set(after).where(eq(teams.id, before.id));
    await recordAudit(tx, 'team.policy.update', `team:${data.slug}`, {
      before: { podSecurity: before.podSecurity, allowedSecrets: before.allowedSecrets },
      after,
    });
    return getTeamPolicy({ ctx: tx, input: { slug: data.slug } });
  });
  // The namespace's Pod Security label follows at once, so the cluster enforces the new level too.
  if (data.podSecurity) await reconcileTeamAfterChange(ctx, data.slug);
  return view;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

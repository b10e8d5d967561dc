import { and, eq, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import { PodSecurityLevel, TEAM_NAMESPACE_PREFIX, teamNamespace } from '@/lib/domain/tenancy';
import { teams } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict, invalid, notFound } from '../errors';
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
  .refine(
    (name) => !name.startsWith('gantry-'),
    'Secrets named gantry-... are Gantry’s own and are given to jobs by Gantry',
  );

// A namespace name is a DNS label. The cluster's own namespaces are never a team's.
const NAMESPACE = z
  .string()
  .trim()
  .max(63, 'At most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'A namespace name: lowercase letters, digits and dashes')
  .refine((name) => !/^(kube-|default$)/.test(name), 'kube-* and default belong to the cluster, not to a team');

const SetTeamPolicyInput = z
  .object({
    slug: z.string().trim().min(1),
    /** Pod Security Standards level every workload of the team is checked against */
    podSecurity: PodSecurityLevel.optional(),
    /** Secrets in the team's namespace its workloads may reference */
    allowedSecrets: z.array(SECRET_NAME).max(100, 'At most 100 Secrets').optional(),
    /** An existing namespace the team's work runs in; null goes back to gantry-<slug> */
    namespace: NAMESPACE.nullable().optional(),
  })
  .refine(
    (input) => input.podSecurity !== undefined || input.allowedSecrets !== undefined || input.namespace !== undefined,
    {
      message: 'Give podSecurity, allowedSecrets or namespace',
      path: ['podSecurity'],
    },
  );
type SetTeamPolicyInput = z.infer<typeof SetTeamPolicyInput>;

/** PATCH /api/admin/teams/:slug/policy - the team's Pod Security level and allowed Secrets (audited). */
export async function setTeamPolicy({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TeamPolicyView> {
  requireRole(ctx, 'admin');
  const data = parseInput(SetTeamPolicyInput, input);
  const allowedSecrets = data.allowedSecrets ? [...new Set(data.allowedSecrets)].sort() : undefined;
  const view = await inTransaction(ctx, async (tx) => {
    const [before] = await tx.db
      .select({
        id: teams.id,
        podSecurity: teams.podSecurity,
        allowedSecrets: teams.allowedSecrets,
        namespace: teams.namespace,
      })
      .from(teams)
      .where(eq(teams.slug, data.slug))
      .for('update');
    if (!before) throw notFound('Team');
    const namespace =
      data.namespace === undefined
        ? before.namespace
        : data.namespace === teamNamespace({ slug: data.slug })
          ? null
          : data.namespace;
    const after = {
      podSecurity: data.podSecurity ?? before.podSecurity,
      allowedSecrets: allowedSecrets ?? before.allowedSecrets,
      namespace,
    };
    if (
      after.podSecurity === before.podSecurity &&
      sameList(after.allowedSecrets, before.allowedSecrets) &&
      after.namespace === before.namespace
    ) {
      const field = data.podSecurity ? 'podSecurity' : data.allowedSecrets ? 'allowedSecrets' : 'namespace';
      throw invalid('Nothing to change', [{ field, message: 'is already the team’s' }]);
    }
    if (namespace !== null && namespace !== before.namespace) await assertNamespaceFree(tx, before.id, namespace);
    await tx.db.update(teams).set(after).where(eq(teams.id, before.id));
    await recordAudit(tx, 'team.policy.update', `team:${data.slug}`, {
      before: { podSecurity: before.podSecurity, allowedSecrets: before.allowedSecrets, namespace: before.namespace },
      after,
    });
    return getTeamPolicy({ ctx: tx, input: { slug: data.slug } });
  });
  // The namespace's Pod Security label follows at once, so the cluster enforces the new level too;
  // a newly mapped namespace gets the team's objects before its next job launches there.
  if (data.podSecurity || data.namespace !== undefined) await reconcileTeamAfterChange(ctx, data.slug);
  return view;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Two teams never share a namespace: their Secrets, PersistentVolumeClaims and quota would be one.
 * Refused: another team's mapped namespace, or the gantry-<slug> namespace of an existing team.
 */
async function assertNamespaceFree(ctx: Ctx, teamId: string, namespace: string): Promise<void> {
  const ownerSlug = namespace.startsWith(TEAM_NAMESPACE_PREFIX) ? namespace.slice(TEAM_NAMESPACE_PREFIX.length) : null;
  const [other] = await ctx.db
    .select({ slug: teams.slug })
    .from(teams)
    .where(
      and(
        ne(teams.id, teamId),
        ownerSlug ? or(eq(teams.namespace, namespace), eq(teams.slug, ownerSlug)) : eq(teams.namespace, namespace),
      ),
    )
    .limit(1);
  if (other)
    throw conflict(`Namespace ${namespace} is team ${other.slug}'s`, [
      { field: 'namespace', message: `belongs to team ${other.slug}` },
    ]);
}

import { z } from 'zod';
import { teams } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict } from '../errors';
import { parseInput } from '../validate';
import { reconcileTeamAfterChange } from '../tenancy/reconcile-team-namespaces';
import type { TeamView } from './list-teams';

const CreateTeamInput = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, 'Lowercase letters, digits and dashes, at most 40'),
  name: z.string().trim().min(1, 'Enter a name').max(120),
  cohort: z
    .string()
    .trim()
    .regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, 'Lowercase letters, digits and dashes, at most 40')
    .optional(),
});
type CreateTeamInput = z.infer<typeof CreateTeamInput>;

export async function createTeam({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TeamView> {
  requireRole(ctx, 'admin');
  const data = parseInput(CreateTeamInput, input);
  const view = await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(teams)
      .values({ slug: data.slug, name: data.name, cohort: data.cohort ?? null })
      .onConflictDoNothing({ target: teams.slug })
      .returning();
    if (!row) throw conflict('A team with this slug exists', [{ field: 'slug', message: 'Already taken' }]);
    await recordAudit(tx, 'team.create', `team:${row.slug}`, { name: row.name, cohort: row.cohort });
    return { id: row.id, slug: row.slug, name: row.name, cohort: row.cohort, members: 0 };
  });
  // The team's namespace, ServiceAccount, quota and policies exist before its first job launches.
  await reconcileTeamAfterChange(ctx, view.slug);
  return view;
}

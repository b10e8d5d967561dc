// Each sweep dataset has one Secret holding its results token, in the namespace of the team its job
// runs for (teamNamespace(): the team's pods may read only their own namespace's Secrets); step pods
// read it through secretKeyRef, so the token never appears in a Workflow object. The name is
// derived in one place, the benchmark builder, from the dataset id (never from input).
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { applySecret, deleteSecret } from '@/lib/cluster/secrets';
import { sharedNamespace } from '@/lib/cluster/kube';
import { ClusterError } from '@/lib/cluster/errors';
import { jobs, teams } from '@/lib/db/schema';
import { nameResultsTokenSecret, RESULTS_TOKEN_KEY } from '@/lib/domain/workflow/builders';
import { teamNamespace } from '@/lib/domain/tenancy';
import { LABEL_DATASET_ID, LABEL_TEAM } from '@/lib/domain/terms';
import type { Ctx } from '../context';
import { reconcileTeamAfterChange } from '../tenancy/reconcile-team-namespaces';

/**
 * Writes the sweep's token into its Secret in the team's namespace. A namespace not created yet (a
 * team older than team namespaces, before the worker's first pass) is reconciled first, then the
 * write is tried once more.
 */
export async function writeSweepSecret(
  ctx: Ctx,
  input: { datasetId: string; team: string; token: string },
): Promise<void> {
  const [team] = await ctx.db
    .select({ slug: teams.slug, namespace: teams.namespace })
    .from(teams)
    .where(eq(teams.slug, input.team));
  const namespace = teamNamespace({ slug: input.team, namespace: team?.namespace });
  const secret = {
    name: nameResultsTokenSecret(input.datasetId),
    namespace,
    labels: { [LABEL_DATASET_ID]: input.datasetId, [LABEL_TEAM]: input.team },
    stringData: { [RESULTS_TOKEN_KEY]: input.token },
  };
  try {
    await applySecret(secret);
  } catch (error) {
    if (!(error instanceof ClusterError && error.kind === 'NotFound')) throw error;
    await reconcileTeamAfterChange(ctx, input.team);
    await applySecret(secret);
  }
}

/**
 * Deletes the sweep's Secret wherever its jobs ran: each job's workflow namespace (null: the shared
 * namespace of older jobs) and its team's namespace (a job never launched). Returns how many went.
 */
export async function deleteSweepSecrets(ctx: Ctx, datasetId: string, jobIds: number[]): Promise<number> {
  const namespaces = new Set<string>([sharedNamespace()]);
  if (jobIds.length > 0) {
    const rows = await ctx.db
      .select({ workflowNamespace: jobs.workflowNamespace, slug: teams.slug, namespace: teams.namespace })
      .from(jobs)
      .innerJoin(teams, eq(teams.id, jobs.teamId))
      .where(and(inArray(jobs.id, jobIds), isNotNull(jobs.teamId)));
    for (const r of rows) {
      if (r.workflowNamespace) namespaces.add(r.workflowNamespace);
      namespaces.add(teamNamespace({ slug: r.slug, namespace: r.namespace }));
    }
  }
  let deleted = 0;
  for (const namespace of namespaces)
    if (await deleteSecret(nameResultsTokenSecret(datasetId), { namespace })) deleted++;
  return deleted;
}

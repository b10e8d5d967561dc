// Keeps each team's namespace as lib/domain/team-namespace.ts describes it: the Namespace (created,
// or for a team mapped to an existing one, labelled), the workloads' ServiceAccount, the GPU
// ResourceQuota from the team's quotas, the LimitRange and the default-deny-ingress NetworkPolicy.
// Idempotent (create-or-replace, no write when nothing changed), so the worker runs it on a timer and
// the team and quota verbs run it for one team right after their change.
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { applyObject, type ApplyOutcome, type ClusterObject } from '@/lib/cluster/namespace-objects';
import { listNodes } from '@/lib/cluster/nodes';
import { toClusterError } from '@/lib/cluster/errors';
import { quotas, teams } from '@/lib/db/schema';
import { buildTeamNamespace, type NamespaceObject } from '@/lib/domain/team-namespace';
import { buildInventory, type NodeObject } from '@/lib/domain/telemetry/inventory';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';

const ReconcileTeamNamespacesInput = z.object({
  /** One team's slug; all teams when left out. */
  team: z.string().trim().min(1).optional(),
});
type ReconcileTeamNamespacesInput = z.infer<typeof ReconcileTeamNamespacesInput>;

export interface TeamNamespaceResult {
  team: string;
  namespace: string;
  /** `<Kind>/<name>` -> what the write did */
  objects: Record<string, ApplyOutcome>;
  /** why the team's objects are not all in place (the next pass tries again) */
  error?: string;
}

export interface ReconcileDeps {
  apply(object: ClusterObject, opts: { labelsOnly?: boolean; create?: boolean }): Promise<ApplyOutcome>;
  /** GPU kind id -> device-plugin resource, from the cluster's nodes. */
  gpuResources(): Promise<Record<string, string>>;
}

const clusterReconcileDeps: ReconcileDeps = {
  apply: applyObject,
  async gpuResources() {
    const resources: Record<string, string> = {};
    for (const n of buildInventory((await listNodes()) as unknown as NodeObject[]).nodes)
      for (const r of n.gpuResources) resources[r.kind.id] = r.resource;
    return resources;
  },
};

export async function reconcileTeamNamespaces(
  { ctx, input = {} }: { ctx: Ctx; input?: unknown },
  deps: ReconcileDeps = clusterReconcileDeps,
): Promise<TeamNamespaceResult[]> {
  requireRole(ctx, 'admin');
  const { team } = parseInput(ReconcileTeamNamespacesInput, input);
  const rows = await ctx.db
    .select({ id: teams.id, slug: teams.slug, namespace: teams.namespace, podSecurity: teams.podSecurity })
    .from(teams)
    .where(team ? eq(teams.slug, team) : undefined)
    .orderBy(asc(teams.slug));
  if (rows.length === 0) return [];
  const lines = await ctx.db
    .select({
      teamId: quotas.teamId,
      gpuKind: quotas.gpuKind,
      guaranteed: quotas.guaranteed,
      borrowingLimit: quotas.borrowingLimit,
    })
    .from(quotas)
    .where(team ? eq(quotas.teamId, rows[0].id) : undefined);
  let resources: Record<string, string> = {};
  try {
    resources = await deps.gpuResources();
  } catch (error) {
    // Without the nodes, quotas still cover every kind the team has a quota for.
    ctx.log.warn({ err: error }, 'team namespaces: GPU resources not read from the nodes');
  }
  const results: TeamNamespaceResult[] = [];
  for (const row of rows) {
    const plan = buildTeamNamespace({ ...row, quotas: lines.filter((l) => l.teamId === row.id), resources });
    const result: TeamNamespaceResult = { team: row.slug, namespace: plan.namespace, objects: {} };
    try {
      for (const object of plan.objects) {
        const isNamespace = object.kind === 'Namespace';
        result.objects[`${object.kind}/${object.metadata.name}`] = await deps.apply(toClusterObject(object), {
          labelsOnly: isNamespace,
          create: isNamespace ? plan.ownNamespace : true,
        });
      }
    } catch (error) {
      const err = toClusterError(error);
      result.error =
        err.kind === 'NotFound' && !plan.ownNamespace
          ? `namespace ${plan.namespace} does not exist (the team is mapped to it)`
          : err.message;
      ctx.log.warn({ err: error, team: row.slug, namespace: plan.namespace }, 'team namespace not reconciled');
    }
    results.push(result);
  }
  return results;
}

function toClusterObject(o: NamespaceObject): ClusterObject {
  return o;
}

/**
 * For the verbs that change a team (created, quota or security level changed): reconcile that team
 * at once, best effort. The change itself is committed; a cluster that does not answer now is
 * caught up by the worker's pass.
 */
export async function reconcileTeamAfterChange(
  ctx: Ctx,
  team: string,
  deps: ReconcileDeps = clusterReconcileDeps,
): Promise<void> {
  try {
    const [result] = await reconcileTeamNamespaces({ ctx, input: { team } }, deps);
    if (result?.error)
      ctx.log.warn({ team, error: result.error }, 'team namespace not reconciled; the worker tries again');
  } catch (error) {
    ctx.log.warn({ err: error, team }, 'team namespace not reconciled; the worker tries again');
  }
}

// Admitted jobs become Argo Workflows: built by lib/domain/workflow from the job and the node it was
// admitted on, created through lib/cluster/job-runner (a retry adopts the Workflow of the same
// name), then marked Submitted. Each job is locked (SKIP LOCKED) while it is handed over, so two
// workers never hand over the same job.
import { and, asc, eq } from 'drizzle-orm';
import { submitJob as submitToCluster } from '@/lib/cluster/job-runner';
import { ClusterError, isNotFound } from '@/lib/cluster/errors';
import { TEAM_SERVICE_ACCOUNT, teamNamespace } from '@/lib/domain/tenancy';
import { jobEvents, jobs, teams, users } from '@/lib/db/schema';
import { buildWorkflow, nameWorkflow, WorkflowBuildError } from '@/lib/domain/workflow/builders';
import { WorkloadPolicyError, type TeamPolicy } from '@/lib/domain/policy';
import { checkJobWorkloads } from '@/lib/domain/policy/job';
import { Job, type Placement } from '@/lib/domain/workflow/job';
import type { Workflow } from '@/lib/cluster/workflows';
import type { WorkflowTemplate } from '@/lib/cluster/workflow-templates';
import { RetryError } from '@/lib/domain/workflow/retry';
import { recordJobFailure } from '@/lib/metrics/scheduler';
import { inTransaction, type Ctx } from '../context';
import { reconcileTeamAfterChange } from '../tenancy/reconcile-team-namespaces';
import { readTeamPolicy } from '../teams/read-team-policy';
import { retryWorkflow, type RetryWorkflowInput } from '../workflows/retry-workflow';
import { readClusterGpus, type NodeDetail } from './read-cluster-gpus';

export interface LaunchDeps {
  nodeDetails(): Promise<Map<string, NodeDetail>>;
  /** Creates the Workflow, after the WorkflowTemplates it refers to (a parted sweep's part). */
  submit(manifest: Workflow, workflowTemplates?: WorkflowTemplate[]): Promise<{ workflowName: string }>;
  /** A job queued by "retry failed steps" still names its Workflow: that one is retried in place. */
  retry?(ctx: Ctx, input: RetryWorkflowInput): Promise<{ workflowName: string }>;
  /** Creates a team's namespace objects when a launch found its namespace missing (default: the tenancy reconcile). */
  ensureNamespace?(ctx: Ctx, team: string): Promise<void>;
}

const clusterLaunchDeps: LaunchDeps = {
  nodeDetails: async () => (await readClusterGpus()).details,
  submit: submitToCluster,
};

export interface LaunchResult {
  submitted: string[];
  failed: string[];
}

export async function launchAdmittedJobs(
  { ctx }: { ctx: Ctx },
  deps: LaunchDeps = clusterLaunchDeps,
): Promise<LaunchResult> {
  const pending = await ctx.db
    .select({ id: jobs.id })
    .from(jobs)
    .where(eq(jobs.state, 'admitted'))
    .orderBy(asc(jobs.admittedAt))
    .limit(50);
  const result: LaunchResult = { submitted: [], failed: [] };
  if (pending.length === 0) return result;
  const details = await deps.nodeDetails();
  for (const { id } of pending) {
    const outcome = await inTransaction(ctx, async (tx) => {
      const [job] = await tx.db
        .select({ row: jobs, team: teams.slug, teamNamespace: teams.namespace, owner: users.email })
        .from(jobs)
        .innerJoin(teams, eq(teams.id, jobs.teamId))
        .innerJoin(users, eq(users.id, jobs.userId))
        .where(and(eq(jobs.id, id), eq(jobs.state, 'admitted')))
        .for('update', { of: jobs, skipLocked: true });
      if (!job) return null;
      const at = new Date();
      let manifest: Workflow;
      let workflowTemplates: WorkflowTemplate[];
      const retrying = job.row.workflowName;
      // A new Workflow goes to the team's namespace, under the team's ServiceAccount; a retried one
      // stays where it is (null: the shared namespace of jobs from before team namespaces, where
      // that ServiceAccount does not exist).
      const namespace = retrying
        ? job.row.workflowNamespace
        : teamNamespace({ slug: job.team, namespace: job.teamNamespace });
      try {
        // Defence in depth: the built objects pass the workload policy again, with the team's policy now.
        const policy = await readTeamPolicy(tx, job.row.teamId);
        ({ workflow: manifest, workflowTemplates } = buildManifests(
          job.row,
          job.team,
          job.owner,
          details,
          namespace,
          policy,
        ));
      } catch (error) {
        if (error instanceof WorkloadPolicyError) {
          await markFailed(
            tx,
            job.row.id,
            'admitted',
            'POLICY_REFUSED',
            `The workload policy refused the workflow: ${error.message}`.slice(0, 2000),
            at,
          );
          return 'failed' as const;
        }
        const message =
          `Gantry could not build the workflow: ${error instanceof WorkflowBuildError ? error.message : String(error)}`.slice(
            0,
            2000,
          );
        await markFailed(tx, job.row.id, 'admitted', 'BUILD_FAILED', message, at);
        return 'failed' as const;
      }
      try {
        const { workflowName } = retrying
          ? await (deps.retry ?? retryWorkflow)(tx, {
              jobId: job.row.id,
              workflowName: retrying,
              namespace: namespace ?? undefined,
              manifest,
              workflowTemplates,
            })
          : await deps.submit(manifest, workflowTemplates);
        const verb = retrying ? 'retried (failed steps run again)' : 'created';
        await tx.db
          .update(jobs)
          .set({
            state: 'submitted',
            workflowName,
            workflowNamespace: namespace,
            message: `Workflow ${workflowName} ${verb}.`,
            updatedAt: at,
          })
          .where(eq(jobs.id, job.row.id));
        await tx.db.insert(jobEvents).values({
          jobId: job.row.id,
          at,
          fromState: 'admitted',
          toState: 'submitted',
          cause: retrying ? 'WORKFLOW_RETRIED' : 'WORKFLOW_CREATED',
          message: `Workflow ${workflowName} ${verb} in the cluster.`,
          details: { workflowName, namespace },
        });
        return 'submitted' as const;
      } catch (error) {
        // The team's namespace is not there yet (a team older than team namespaces, before the
        // worker's first reconcile): create its objects now; the job launches on the next pass.
        if (!retrying && isNotFound(error) && /^namespaces ".*" not found$/.test(error.message)) {
          await (deps.ensureNamespace ?? reconcileTeamAfterChange)(tx, job.team);
          return 'waiting' as const;
        }
        // The API server refused the object: retrying would not help. Anything else: next pass.
        if (error instanceof ClusterError && error.kind === 'Invalid') {
          await markFailed(
            tx,
            job.row.id,
            'admitted',
            'WORKFLOW_REJECTED',
            `The cluster refused the workflow: ${error.message}`.slice(0, 2000),
            at,
          );
          return 'failed' as const;
        }
        // The Workflow to retry is gone or no longer failed (changed outside Gantry meanwhile).
        if (retrying && (error instanceof RetryError || isNotFound(error))) {
          await markFailed(
            tx,
            job.row.id,
            'admitted',
            'RETRY_FAILED',
            `Workflow ${retrying} could not be retried: ${error.message}`.slice(0, 2000),
            at,
          );
          return 'failed' as const;
        }
        throw error;
      }
    });
    if (outcome === 'submitted') result.submitted.push(String(id));
    if (outcome === 'failed') result.failed.push(String(id));
  }
  return result;
}

async function markFailed(ctx: Ctx, id: number, from: 'admitted', cause: string, message: string, at: Date) {
  await ctx.db
    .update(jobs)
    .set({ state: 'failed', reason: cause, message, finishedAt: at, placements: null, updatedAt: at })
    .where(eq(jobs.id, id));
  await ctx.db.insert(jobEvents).values({ jobId: id, at, fromState: from, toState: 'failed', cause, message });
  recordJobFailure(cause);
}

/**
 * The Workflow for an admitted job, placed on the node (or the GPU model) it was admitted to, and
 * the WorkflowTemplates it refers to (a sweep split into parts has one).
 */
export function buildManifests(
  row: typeof jobs.$inferSelect,
  team: string,
  owner: string,
  details: Map<string, NodeDetail>,
  /** the team's namespace: the objects are created there, run by the team's ServiceAccount; null: the shared namespace */
  namespace: string | null = null,
  /** the team's workload policy: the built objects must pass it (WorkloadPolicyError otherwise) */
  policy?: TeamPolicy,
): { workflow: Workflow; workflowTemplates: WorkflowTemplate[] } {
  const placements = row.placements ?? [];
  const first = placements[0] ? details.get(placements[0].node) : undefined;
  if (!first) throw new Error(`node ${placements[0]?.node ?? '(none)'} is no longer in the cluster`);
  const placement: Placement = {
    pool: first.pool,
    nodeSelector:
      placements.length === 1
        ? { 'kubernetes.io/hostname': first.name }
        : first.gpuProduct
          ? { 'nvidia.com/gpu.product': first.gpuProduct }
          : {},
    tolerations: first.taints.map((t) =>
      t.value === null
        ? { key: t.key, operator: 'Exists' as const, effect: t.effect as 'NoSchedule' }
        : { key: t.key, operator: 'Equal' as const, value: t.value, effect: t.effect as 'NoSchedule' },
    ),
    resourceName: first.resources[row.gpuKind] ?? 'nvidia.com/gpu',
  };
  const spec = row.kind === 'training' ? { configFile: 'none', ...row.spec } : row.spec;
  const job = Job.parse({
    id: String(row.id),
    name: row.name,
    owner,
    team,
    priority: row.priority,
    gpu: { kind: row.gpuKind, count: row.gpuCount },
    placement,
    maxRuntimeSeconds: row.maxRuntimeSeconds,
    kind: row.kind,
    spec,
  });
  const built = buildWorkflow(job, {
    ...(namespace ? { serviceAccountName: TEAM_SERVICE_ACCOUNT } : {}),
    podSecurity: policy?.level,
  });
  const violations = policy ? checkJobWorkloads(job, built, policy, true) : [];
  if (violations.length > 0) throw new WorkloadPolicyError(violations);
  const { workflow, workflowTemplates } = built;
  if (workflow.metadata.name !== nameWorkflow(job.id)) throw new Error('unexpected workflow name');
  if (namespace)
    for (const o of [workflow, ...workflowTemplates]) (o.metadata as { namespace?: string }).namespace = namespace;
  return { workflow: workflow, workflowTemplates: workflowTemplates };
}

// The workload policy at submission, in the dry run and in the preview: the job is built as it will
// be at launch (not yet placed), and what the builders and the policy refuse comes back as 400
// problem JSON naming each field path and rule. Nothing is stored before this passes.
import { eq } from 'drizzle-orm';
import { DEFAULT_TEAM_POLICY, type PolicyViolation, type TeamPolicy } from '@/lib/domain/policy';
import { checkJobWorkloads, UNPLACED } from '@/lib/domain/policy/job';
import { TEAM_SERVICE_ACCOUNT } from '@/lib/domain/tenancy';
import { buildWorkflow, WorkflowBuildError } from '@/lib/domain/workflow/builders';
import { Job } from '@/lib/domain/workflow/job';
import { benchmarkDatasets } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { mayChangeDataset } from '../benchmarks/dataset-access';
import { invalid, type FieldError } from '../errors';
import { readTeamPolicy } from '../teams/read-team-policy';
import { toFieldErrors } from '../validate';
import type { SubmitJobInput } from './job-input';
import { resolveSubmitTeam } from './job-teams';

/**
 * Throws INVALID with every violation. A raw workflow is checked against its team's policy (level,
 * allowed Secrets, exceptions); the other kinds are built by Gantry from typed fields none of which
 * can name a Secret, an account or a pod setting, so they are checked without a team read (their
 * submission is the busy path) and against the team's policy again at launch.
 */
export async function checkJobPolicy(ctx: Ctx, data: SubmitJobInput): Promise<void> {
  if (data.kind === 'benchmark' && data.spec.datasetId) await checkDatasetAccess(ctx, data.spec.datasetId);
  const team =
    data.kind === 'workflow'
      ? await readTeamPolicy(ctx, (await resolveSubmitTeam(ctx, data.team)).id)
      : DEFAULT_TEAM_POLICY;
  const violations = findJobViolations(ctx, data, team);
  if (violations.length > 0) throw policyRefusal(violations);
}

/** The violations of a submission, for the team's policy; build problems throw INVALID. */
export function findJobViolations(ctx: Ctx, data: SubmitJobInput, team: TeamPolicy): PolicyViolation[] {
  const parsed = Job.safeParse({
    id: '0',
    name: data.name,
    owner: ctx.actor.email,
    team: data.team ?? 'unassigned',
    priority: data.priority,
    gpu: data.gpu,
    placement: UNPLACED,
    maxRuntimeSeconds: data.maxRuntimeSeconds,
    kind: data.kind,
    // as launch-jobs builds it: a training job without a config file passes "none"
    spec: data.kind === 'training' ? { configFile: 'none', ...data.spec } : data.spec,
  });
  if (!parsed.success) throw invalid('The request has invalid fields', toFieldErrors(parsed.error));
  try {
    const built = buildWorkflow(parsed.data, { serviceAccountName: TEAM_SERVICE_ACCOUNT, podSecurity: team.level });
    return checkJobWorkloads(parsed.data, built, team, false);
  } catch (error) {
    if (!(error instanceof WorkflowBuildError)) throw error;
    throw invalid(
      `The workflow is invalid: ${error.problems.length} problem(s)`,
      error.problems.map((p) => ({ field: p.path, message: p.message })),
    );
  }
}

/** 400 problem JSON: each error names the field path and the rule, the message says what to do. */
function policyRefusal(violations: readonly PolicyViolation[]) {
  const fields: FieldError[] = violations.map((v) => ({
    field: v.path,
    message: `${v.message} (${v.rule})`,
    rule: v.rule,
  }));
  return invalid(`The workflow breaks the workload policy: ${violations.length} violation(s)`, fields);
}

/** A sweep job reads its dataset's results-token Secret, so only who may run the sweep may name it. */
async function checkDatasetAccess(ctx: Ctx, datasetId: string): Promise<void> {
  const [dataset] = await ctx.db
    .select({ createdBy: benchmarkDatasets.createdBy })
    .from(benchmarkDatasets)
    .where(eq(benchmarkDatasets.id, datasetId));
  if (!dataset || !mayChangeDataset(ctx, dataset)) {
    throw invalid('The request has invalid fields', [
      { field: 'spec.datasetId', message: 'Not a sweep dataset you may run' },
    ]);
  }
}

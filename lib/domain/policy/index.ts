// The workload policy: everything Gantry creates in the cluster for a job passes here first, at
// submission (the user's workflow merged as it will be built), in the preview and the dry run, and
// again at launch on the built manifests. See README.md for the rules and the decisions behind them.
import { TEAM_SERVICE_ACCOUNT, type PodSecurityLevel } from '../tenancy';
import { Reporter, type PolicyContext, type PolicyViolation } from './context';
import type { PolicyRule } from './rules';
import { checkWorkloadObject } from './walk';

export type { PolicyContext, PolicyViolation } from './context';
export { POLICY_RULES, PolicyRule, RULE_DESCRIPTIONS } from './rules';

/** What a job makes: its Workflow and the WorkflowTemplates it refers to (BuildResult's shape). */
export interface Workloads {
  workflow: unknown;
  workflowTemplates?: readonly unknown[];
}

/**
 * Every violation of the policy in the objects, in document order; empty means they may be
 * created. Paths of the WorkflowTemplates start with `workflowTemplates[i].`.
 */
export function checkWorkloads(objects: Workloads, context: PolicyContext): PolicyViolation[] {
  const reporter = new Reporter(context);
  checkWorkloadObject(objects.workflow, reporter, '');
  (objects.workflowTemplates ?? []).forEach((template, i) =>
    checkWorkloadObject(template, reporter, `workflowTemplates[${i}].`),
  );
  return reporter.violations;
}

/** The team's side of the context, as stored (teams.pod_security, allowed_secrets, exceptions). */
export interface TeamPolicy {
  level: PodSecurityLevel;
  allowedSecrets: readonly string[];
  exceptions: readonly PolicyRule[];
}

export const DEFAULT_TEAM_POLICY: TeamPolicy = { level: 'baseline', allowedSecrets: [], exceptions: [] };

/** A context from the team's policy and what Gantry decided for the job. */
export function describePolicyContext(
  team: TeamPolicy,
  job: Omit<PolicyContext, 'level' | 'allowedSecrets' | 'exceptions' | 'serviceAccountName'>,
): PolicyContext {
  return {
    ...job,
    level: team.level,
    allowedSecrets: team.allowedSecrets,
    exceptions: team.exceptions,
    serviceAccountName: TEAM_SERVICE_ACCOUNT,
  };
}

/** One line for a job's failure message or a log: the first violations, by path and rule. */
function summarizeViolations(violations: readonly PolicyViolation[], limit = 5): string {
  const shown = violations.slice(0, limit).map((v) => `${v.path}: ${v.message} [${v.rule}]`);
  const more = violations.length > limit ? `; and ${violations.length - limit} more` : '';
  return `${shown.join('; ')}${more}`;
}

/** Thrown where built objects must not go further (launch): the violations, summarized in the message. */
export class WorkloadPolicyError extends Error {
  constructor(readonly violations: readonly PolicyViolation[]) {
    super(summarizeViolations(violations));
    this.name = 'WorkloadPolicyError';
  }
}

// What the policy is told about the job and its team, what it answers, and the small helpers every
// check shares. Pure data in, pure data out.
import type { PodSecurityLevel } from '../tenancy';
import type { PolicyRule } from './rules';

export interface PolicyToleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface PolicyContext {
  level: PodSecurityLevel;
  /** The team's ServiceAccount (TEAM_SERVICE_ACCOUNT): the only one a pod may name. */
  serviceAccountName: string;
  /** Secrets in the team's namespace an admin allowed its workloads to reference. */
  allowedSecrets: readonly string[];
  /** Secrets Gantry itself creates for this job (a sweep's results token). */
  gantrySecrets: readonly string[];
  /**
   * The admitted GPUs. resourceName is known once the job is placed (nvidia.com/gpu or a MIG
   * profile); before that any device-plugin GPU name passes and only the count is checked.
   */
  gpu: { count: number; resourceName?: string };
  /** What Gantry sets for placement; before admission, empty selectors (nothing else may be set). */
  placement: {
    nodeSelector: Readonly<Record<string, string>>;
    tolerations: readonly PolicyToleration[];
    priorityClassName?: string;
  };
  /** Names of the WorkflowTemplates Gantry creates for this job (a sweep's part template). */
  templateRefs: readonly string[];
  /**
   * The labels Gantry puts on the job's Workflow and pods (`gantry.dev/job-id`, owner, team...):
   * telemetry and the workflow sync trust them, so no other value of a reserved label may appear.
   */
  jobLabels?: Readonly<Record<string, string>>;
  /** Rules an admin made pass for this team. */
  exceptions: readonly PolicyRule[];
}

export interface PolicyViolation {
  /** Where, in the path style of schema problems: `spec.templates[2].container.securityContext.privileged`. */
  path: string;
  rule: PolicyRule;
  message: string;
}

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObj(value: unknown): Obj | undefined {
  return isObj(value) ? value : undefined;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : EMPTY;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `.name` or `["kubernetes.io/hostname"]`: the way a key appears in a violation path. */
export function key(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** Collects violations, leaving out rules the team has an exception for. */
export class Reporter {
  readonly violations: PolicyViolation[] = [];
  readonly restricted: boolean;
  private readonly exempt: ReadonlySet<string>;

  constructor(readonly context: PolicyContext) {
    this.restricted = context.level === 'restricted';
    this.exempt = new Set(context.exceptions);
  }

  report(rule: PolicyRule, path: string, message: string): void {
    if (!this.exempt.has(rule)) this.violations.push({ path, rule, message });
  }
}

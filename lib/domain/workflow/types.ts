// The slice of Argo's Workflow object that Gantry reads and writes. Deliberately loose (index
// signatures): the JSON schema is the authority on shape; these types only name the fields code uses.
// Field names follow argo-workflows pkg/apis/workflow/v1alpha1 (workflow_types.go).

interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface Parameter {
  name: string;
  value?: string;
  default?: string;
  valueFrom?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Arguments {
  parameters?: Parameter[];
  artifacts?: unknown[];
}

interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export interface ResourceRequirements {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
  [key: string]: unknown;
}

export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, unknown> }>;
  workingDir?: string;
  resources?: ResourceRequirements;
  source?: string;
  [key: string]: unknown;
}

interface Sequence {
  count?: string | number;
  start?: string | number;
  end?: string | number;
  format?: string;
}

/** Shared by DAG tasks and steps: what a call site of a template looks like. */
export interface TemplateCall {
  name: string;
  template?: string;
  templateRef?: { name?: string; template?: string; clusterScope?: boolean };
  inline?: Template;
  arguments?: Arguments;
  withItems?: unknown[];
  withParam?: string;
  withSequence?: Sequence;
  when?: string;
  onExit?: string;
  hooks?: Record<string, { template?: string; expression?: string }>;
  continueOn?: { error?: boolean; failed?: boolean };
  [key: string]: unknown;
}

export interface DagTask extends TemplateCall {
  dependencies?: string[];
  depends?: string;
}

type WorkflowStep = TemplateCall;

interface RetryStrategy {
  limit?: string | number;
  retryPolicy?: string;
  backoff?: { duration?: string; factor?: string | number; maxDuration?: string; cap?: string };
  [key: string]: unknown;
}

export interface Template {
  name?: string;
  inputs?: Arguments;
  outputs?: Record<string, unknown>;
  container?: Container;
  script?: Container;
  containerSet?: { containers?: Container[]; [key: string]: unknown };
  resource?: { action?: string; manifest?: string; [key: string]: unknown };
  dag?: { tasks?: DagTask[]; target?: string; failFast?: boolean };
  steps?: WorkflowStep[][];
  suspend?: Record<string, unknown>;
  http?: Record<string, unknown>;
  plugin?: Record<string, unknown>;
  data?: Record<string, unknown>;
  retryStrategy?: RetryStrategy;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  priorityClassName?: string;
  parallelism?: number;
  activeDeadlineSeconds?: string | number;
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  memoize?: { key: string; maxAge: string; cache: { configMap: { name: string; key?: string } } };
  [key: string]: unknown;
}

export interface WorkflowSpec {
  entrypoint?: string;
  templates?: Template[];
  arguments?: Arguments;
  onExit?: string;
  hooks?: Record<string, { template?: string; expression?: string }>;
  workflowTemplateRef?: { name?: string; clusterScope?: boolean };
  activeDeadlineSeconds?: number;
  parallelism?: number;
  podGC?: { strategy?: string; deleteDelayDuration?: string; labelSelector?: unknown };
  ttlStrategy?: { secondsAfterCompletion?: number; secondsAfterSuccess?: number; secondsAfterFailure?: number };
  podPriorityClassName?: string;
  podMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  serviceAccountName?: string;
  [key: string]: unknown;
}

export type NodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted';

/** One entry of status.nodes, keyed by node id. */
export interface NodeStatus {
  id: string;
  name: string;
  displayName?: string;
  type?: string;
  templateName?: string;
  templateRef?: { name?: string; template?: string };
  phase?: NodePhase | '';
  boundaryID?: string;
  children?: string[];
  outboundNodes?: string[];
  startedAt?: string | null;
  finishedAt?: string | null;
  estimatedDuration?: number;
  progress?: string;
  message?: string;
  inputs?: Arguments;
  outputs?: { parameters?: Parameter[]; exitCode?: string; [key: string]: unknown };
  nodeFlag?: { retried?: boolean; hooked?: boolean };
  hostNodeName?: string;
  resourcesDuration?: Record<string, number>;
  [key: string]: unknown;
}

interface WorkflowStatus {
  phase?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  nodes?: Record<string, NodeStatus>;
  compressedNodes?: string;
  offloadNodeStatusVersion?: string;
  [key: string]: unknown;
}

export interface Workflow {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Workflow';
  metadata: ObjectMeta;
  spec: WorkflowSpec;
  status?: WorkflowStatus;
}

/** A problem found in a workflow, located by a dotted path (`spec.templates[2].container.image`). */
export interface WorkflowProblem {
  path: string;
  message: string;
}

export interface WorkflowTemplate {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'WorkflowTemplate';
  metadata: ObjectMeta;
  spec: WorkflowSpec;
}

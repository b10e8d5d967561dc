// The parts of the Argo Workflow object the simulated controller reads and writes
// (argoproj.io/v1alpha1, see ../shared/reference/argo/schema/jsonschema.schema.json).

type Param = {
  name: string;
  value?: string;
  default?: string;
  valueFrom?: { parameter?: string; path?: string; default?: string; expression?: string };
};
export type Arguments = { parameters?: Param[]; artifacts?: unknown[] };

export type Container = {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  source?: string;
};

export type Step = {
  name: string;
  template?: string;
  templateRef?: unknown;
  inline?: unknown;
  arguments?: Arguments;
  when?: string;
  withItems?: unknown[];
  withParam?: string;
  withSequence?: { count?: string | number; start?: string | number; end?: string | number; format?: string };
  continueOn?: { failed?: boolean; error?: boolean };
};

export type DagTask = Step & { dependencies?: string[]; depends?: string };

type RetryStrategy = {
  limit?: number | string;
  retryPolicy?: 'Always' | 'OnFailure' | 'OnError' | 'OnTransientError';
  backoff?: { duration?: string | number; factor?: string | number; maxDuration?: string };
};

export type Template = {
  name: string;
  inputs?: { parameters?: Param[] };
  outputs?: { parameters?: Param[]; result?: string };
  container?: Container;
  script?: Container;
  containerSet?: { containers?: Container[] };
  resource?: unknown;
  data?: unknown;
  http?: unknown;
  suspend?: { duration?: string | number };
  steps?: Step[][];
  dag?: { tasks: DagTask[]; failFast?: boolean; target?: string };
  retryStrategy?: RetryStrategy;
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  priorityClassName?: string;
  activeDeadlineSeconds?: number | string;
};

export type NodeType = 'Pod' | 'Steps' | 'StepGroup' | 'DAG' | 'TaskGroup' | 'Retry' | 'Skipped' | 'Suspend' | 'HTTP';
type NodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Skipped' | 'Omitted';

export type NodeStatus = {
  id: string;
  name: string;
  displayName: string;
  type: NodeType;
  templateName?: string;
  templateScope?: string;
  phase: NodePhase;
  boundaryID?: string;
  children?: string[];
  outboundNodes?: string[];
  startedAt: string;
  finishedAt?: string | null;
  message?: string;
  /** Seconds Argo expects the node to take (it learns this from earlier runs of the template). */
  estimatedDuration?: number;
  progress?: string;
  resourcesDuration?: Record<string, number>;
  inputs?: { parameters?: Array<{ name: string; value: string }> };
  outputs?: { result?: string; exitCode?: string; parameters?: Array<{ name: string; value: string }> };
  hostNodeName?: string;
};

const FULFILLED: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted']);
export const isFulfilled = (p: string | undefined) => p !== undefined && FULFILLED.has(p);
export const isFailure = (p: string | undefined) => p === 'Failed' || p === 'Error';

// What one reconcile pass of the simulated Argo operator works with: the workflow and its nodes,
// its templates and global variables, the controller's hooks (time, pod creation, wake-ups) and the
// memory it keeps between passes.
import type { Scope } from './expr';
import type { NodeBook } from './node-book';
import type { Arguments, DagTask, NodeStatus, Step, Template } from './types';

export type PodRequest = {
  nodeId: string;
  nodeName: string;
  template: Template;
  scope: Scope;
  attempt: number;
};

/**
 * The API server refused a step's pod. Argo (util/errors IsTransientErr) treats a 403 "exceeded
 * quota" as transient: the node stays Pending with the error as its message and the pod is created
 * again when the workflow is requeued. Any other refusal ends the node in Error.
 */
export type PodRefusal = { message: string; transient: boolean };

export type OperatorHooks = {
  now(): number;
  /** Creates the pod for a Pod node; false when the workflow's parallelism is used up. */
  createPod(req: PodRequest): boolean | PodRefusal;
  /** Asks for another reconcile at this wall-clock time (retry backoff, suspend). */
  wakeAt(ms: number): void;
  speed: number;
};

/**
 * Per-workflow memory kept between passes (what Argo would re-derive from the object); `refused`:
 * Pod nodes whose pod the API server refused transiently (created again on each pass).
 */
export type OperatorState = {
  linked: Set<string>;
  retryAt: Map<string, number>;
  topo: Map<string, DagTask[]>;
  refused: Set<string>;
};
export const newOperatorState = (): OperatorState => ({
  linked: new Set(),
  retryAt: new Map(),
  topo: new Map(),
  refused: new Set(),
});

export type OperatorContext = {
  wf: {
    metadata: {
      name: string;
      namespace?: string;
      uid?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    spec: Record<string, unknown>;
    status: Record<string, unknown>;
  };
  nodes: Record<string, NodeStatus>;
  templates: Map<string, Template>;
  globals: Scope;
  hooks: OperatorHooks;
  state: OperatorState;
};

/**
 * A node to run from a template: its name, the template, the arguments and boundary it gets, the name
 * shown, the caller's scope (loop items), and for an attempt of a retried template its number.
 */
export type ExecCall = {
  nodeName: string;
  template: string | undefined;
  args?: Arguments;
  boundaryID?: string;
  displayName: string;
  scope: Scope;
  noRetry?: boolean;
  attempt?: number;
};

/**
 * One step or DAG task to expand under `childBase`. Its nodes are linked under `group` (a StepGroup),
 * or for a fan-out under `taskGroup` (a DAG task's TaskGroup) when given.
 */
export type StepCall = {
  step: Step;
  childBase: string;
  scope: Scope;
  boundaryID: string;
  group?: NodeStatus;
  taskGroup?: NodeStatus;
};

/** What the steps, DAG and retry walkers use of the operator: its nodes, and the way back into it. */
export type Walker = {
  readonly ctx: OperatorContext;
  readonly nodes: NodeBook;
  exec(call: ExecCall): NodeStatus | undefined;
  /** Expands one step/task into its child nodes (undefined entries = not created yet). */
  runStep(call: StepCall): Array<NodeStatus | undefined>;
};

/** `workflow.*` variables, as Argo sets them before walking the templates. */
function globalsOf(wf: OperatorContext['wf'], now: number): Scope {
  const spec = wf.spec;
  const args = (spec.arguments as Arguments | undefined)?.parameters ?? [];
  const globals: Scope = {
    'workflow.name': wf.metadata.name,
    'workflow.namespace': wf.metadata.namespace ?? 'default',
    'workflow.uid': wf.metadata.uid ?? '',
    'workflow.serviceAccountName': (spec.serviceAccountName as string) ?? 'default',
    'workflow.creationTimestamp': String((wf.metadata as Record<string, unknown>).creationTimestamp ?? ''),
    'workflow.duration': String(
      Math.max(0, (now - Date.parse(String(wf.status.startedAt ?? new Date(now).toISOString()))) / 1000),
    ),
  };
  for (const p of args) globals[`workflow.parameters.${p.name}`] = String(p.value ?? p.default ?? '');
  globals['workflow.parameters'] = JSON.stringify(args);
  for (const [k, v] of Object.entries(wf.metadata.labels ?? {})) globals[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(wf.metadata.annotations ?? {})) globals[`workflow.annotations.${k}`] = v;
  return globals;
}

export function buildCtx(wf: OperatorContext['wf'], hooks: OperatorHooks, state: OperatorState): OperatorContext {
  const templates = new Map<string, Template>(
    ((wf.spec.templates as Template[] | undefined) ?? []).map((t) => [t.name, t]),
  );
  const globals = globalsOf(wf, hooks.now());
  wf.status.nodes ??= {};
  return { wf, nodes: wf.status.nodes as Record<string, NodeStatus>, templates, globals, hooks, state };
}

// The simulated Argo workflow-controller: it keeps a copy of every Workflow written to the store,
// reconciles the dirty ones once per tick with the operator, creates the pods of Pod nodes (through
// the API server's admission), follows them into the nodes' status, and writes the status back.
import type { KubeletEvents, PodEnd } from '../kubelet/kubelet';
import type { OwnWrites } from '../own-writes';
import { isFinished, PODS, type PodRun, type PodRuns } from '../pod-runs';
import type { KObject, Store } from '../store';
import { timestamp } from '../time';
import {
  nodeBound,
  nodeDeleted,
  nodeFinished,
  nodeStarted,
  nodeUnschedulable,
  type TemplateOutputs,
} from './node-status';
import { Operator } from './operator';
import { buildCtx, newOperatorState, type OperatorHooks, type PodRefusal, type PodRequest } from './operator-context';
import { buildPod } from './pod-builder';
import type { PodGc } from './pod-gc';
import { resolveTemplateRef } from './resource';
import type { NodeStatus } from './types';
import { failOpenNodes, markPhase, rollup } from './workflow-status';
import { FINISHED, newWfRun, wfKey, withPrefix, type WfRun } from './workflow-run';

export const WF = 'workflows';
const WFT = 'workflowtemplates';

export type WorkflowControllerOptions = {
  seed: number;
  speed: number;
  failureRate: number;
  now: () => number;
  log?: (msg: string, fields?: object) => void;
  /** The API server's pod admission: undefined admits, a refusal is what the create answered. */
  admitPod?: (pod: KObject) => PodRefusal | undefined;
};

/** The other components the controller works with. */
export type WorkflowControllerDeps = {
  store: Store;
  pods: PodRuns;
  own: OwnWrites;
  podGc: PodGc;
  /** Queues a new pod for scheduling. */
  schedule(pr: PodRun): void;
  /** Stops a pod that has not ended. */
  kill(pr: PodRun, message: string): void;
  /** Asks for a tick at this time (the controller looks at `wakeAt` then). */
  wakeAt(ms: number): void;
  /** A Workflow was deleted: what it owns goes (`hadRun`: the controller was running it). */
  deleted(owner: KObject, hadRun: boolean): void;
};

type Result = ReturnType<Operator['run']>;

/** A finished workflow written back as running by a client: what `argo retry` / `argo resubmit --memoized` do. */
function isRetried(ours: Record<string, unknown>, theirs: Record<string, unknown> | undefined): boolean {
  const next = theirs?.phase as string | undefined;
  return FINISHED.includes(ours.phase as string) && (next === 'Running' || next === '' || next === 'Pending');
}

export class WorkflowController implements KubeletEvents {
  private readonly runs = new Map<string, WfRun>();

  constructor(
    private readonly deps: WorkflowControllerDeps,
    private readonly opts: WorkflowControllerOptions,
  ) {}

  get size(): number {
    return this.runs.size;
  }

  /** A Workflow written to the store by anyone but this controller. */
  onWorkflow(type: string, obj: KObject): void {
    const key = wfKey(obj);
    if (type === 'DELETED') {
      const run = this.runs.get(key);
      this.runs.delete(key);
      this.deps.deleted(obj, run !== undefined);
      return;
    }
    const copy = JSON.parse(JSON.stringify(obj)) as WfRun['wf'];
    copy.spec ??= {};
    copy.status ??= {};
    const run = this.runs.get(key);
    if (!run || run.wf.metadata.uid !== copy.metadata.uid) {
      this.runs.set(key, newWfRun(copy));
      return;
    }
    if (isRetried(run.wf.status, copy.status)) {
      // `argo retry` (a client's update of a finished workflow back to Running, failed nodes removed):
      // its status is taken as written and the operator walks it afresh, re-running what is missing
      run.state = newOperatorState();
      run.wakeAt = undefined;
    } else {
      // the controller owns status: pod results not yet written must survive a user's patch
      copy.status = run.wf.status;
    }
    run.wf = copy;
    this.resolveTemplateRef(run);
    run.dirty = true;
  }

  /** Reconciles the workflows that changed or asked to be woken by now. */
  tick(now: number): void {
    for (const run of this.runs.values()) {
      if (run.wakeAt !== undefined && run.wakeAt <= now) {
        run.wakeAt = undefined;
        run.dirty = true;
      }
      if (!run.dirty) continue;
      // large workflows are written at most once a second, as Argo batches its updates (its
      // workqueue coalesces the pod events of one workflow into one reconcile and one write)
      const nodes = Object.keys((run.wf.status.nodes as object | undefined) ?? {}).length;
      if (nodes > 500 && now - run.lastWrite < 1000) continue;
      run.dirty = false;
      this.reconcile(run);
    }
  }

  /** Writes every workflow with unwritten changes now, large ones too, so a snapshot sees them. */
  flush(): void {
    for (const run of this.runs.values()) {
      if (!run.dirty && !run.changed) continue;
      run.dirty = false;
      this.reconcile(run);
    }
  }

  private reconcile(run: WfRun): void {
    const status = run.wf.status;
    if (FINISHED.includes(status.phase as string)) return;
    const before = JSON.stringify(status);
    const now = this.opts.now();
    if (!status.phase || status.phase === 'Pending') {
      status.phase = 'Running';
      status.startedAt = timestamp(now);
      status.finishedAt = null;
      status.progress = '0/0';
    }
    // before anything reads the spec: a part's templates come from its WorkflowTemplate
    const refError = this.resolveTemplateRef(run);
    const shutdown = run.wf.spec.shutdown as string | undefined;
    if (shutdown === 'Terminate' || shutdown === 'Stop') this.stopPods(run, `Stopped with strategy '${shutdown}'`);
    const result = this.operate(run, refError, shutdown);
    if (result) {
      status.phase = result.phase;
      status.finishedAt = timestamp(now);
      if (result.message) status.message = result.message;
      if (shutdown) status.message = `Stopped with strategy '${shutdown}'`;
      failOpenNodes(this.nodesOf(run)!, String(status.message ?? 'workflow finished'), this.opts.now);
      this.deps.podGc.workflowDone(run);
    }
    markPhase(run, result !== undefined);
    if (run.changed || JSON.stringify(status) !== before || result) this.writeWorkflow(run);
    run.changed = false;
  }

  /** One operator pass, and the rollup of its nodes. Returns the workflow's end, if it ended. */
  private operate(run: WfRun, refError: string | undefined, shutdown: string | undefined): Result {
    const ctx = buildCtx(run.wf, this.hooks(run, shutdown), run.state);
    let result: Result;
    try {
      result = refError ? { phase: 'Error', message: refError } : new Operator(ctx).run();
    } catch (e) {
      result = { phase: 'Error', message: (e as Error).message };
    }
    if (shutdown && !result) {
      // Terminate skips the exit handler; Stop lets it run (it was not started with pods blocked, so end here)
      result = { phase: 'Failed', message: `Stopped with strategy '${shutdown}'` };
      failOpenNodes(ctx.nodes, result.message!, this.opts.now);
    }
    rollup(ctx.nodes, run.wf.status);
    return result;
  }

  private hooks(run: WfRun, shutdown: string | undefined): OperatorHooks {
    return {
      now: () => this.opts.now(),
      speed: this.opts.speed,
      wakeAt: (ms) => {
        run.wakeAt = run.wakeAt === undefined ? ms : Math.min(run.wakeAt, ms);
        this.deps.wakeAt(ms);
      },
      createPod: (req) => {
        if (shutdown) return false;
        const limit = Number(run.wf.spec.parallelism ?? 0);
        if (limit > 0 && run.activePods >= limit) return false;
        return this.createPod(run, req);
      },
    };
  }

  private writeWorkflow(run: WfRun): void {
    const { store, own } = this.deps;
    const cur = store.get(WF, run.wf.metadata.namespace, run.wf.metadata.name);
    if (!cur || cur.metadata.uid !== run.wf.metadata.uid) return;
    // user edits since our copy (labels, annotations, spec) win; status is ours
    const next = JSON.parse(JSON.stringify({ ...cur, status: run.wf.status })) as KObject;
    next.metadata.labels = {
      ...(cur.metadata.labels ?? {}),
      ...withPrefix(run.wf.metadata.labels, 'workflows.argoproj.io/'),
    };
    own.run(() => {
      const saved = store.update(WF, next);
      run.wf.metadata.resourceVersion = saved.metadata.resourceVersion;
      run.wf.metadata.labels = saved.metadata.labels;
      run.lastWrite = this.opts.now();
    });
  }

  /** A workflow of a WorkflowTemplate: its spec joined under the workflow's (see resolveTemplateRef). */
  private resolveTemplateRef(run: WfRun): string | undefined {
    return resolveTemplateRef(run.wf, (name) => this.deps.store.get(WFT, run.wf.metadata.namespace, name));
  }

  /** true when created; a refusal of the API server's admission (ResourceQuota, ServiceAccount) otherwise. */
  private createPod(run: WfRun, req: PodRequest): true | PodRefusal {
    // A step run again after `argo retry` counts as a later attempt (see buildPod).
    const earlier = (run.podRuns ??= new Map()).get(req.nodeName) ?? 0;
    run.podRuns.set(req.nodeName, earlier + 1);
    const { pod, pr } = buildPod(run, req, {
      seed: this.opts.seed,
      failureRate: this.opts.failureRate,
      now: this.opts.now(),
      earlier,
    });
    // The same admission a pod created over HTTP goes through: namespace, ServiceAccount, ResourceQuota.
    const refusal = this.opts.admitPod?.(pod);
    if (refusal) {
      run.podRuns.set(req.nodeName, earlier);
      this.opts.log?.('sim: pod refused', { pod: pr.key, message: refusal.message });
      return refusal;
    }
    const { store, pods, own } = this.deps;
    own.run(() => store.create(PODS, pod));
    pods.set(pr);
    run.activePods++;
    this.deps.schedule(pr);
    return true;
  }

  private stopPods(run: WfRun, message: string): void {
    for (const pr of this.deps.pods.values()) {
      if (pr.wfKey !== run.key || isFinished(pr)) continue;
      this.deps.kill(pr, message);
    }
  }

  // ---- pods, as the controller's pod informer sees them change ----

  private nodesOf(run: WfRun | undefined): Record<string, NodeStatus> | undefined {
    return run?.wf.status.nodes as Record<string, NodeStatus> | undefined;
  }

  /** Updates the Pod node of a pod, and marks its workflow as having news to reconcile and write. */
  private touch(pr: PodRun, update: (node: NodeStatus) => void): void {
    const run = this.runs.get(pr.wfKey);
    const node = this.nodesOf(run)?.[pr.nodeId];
    if (node) update(node);
    if (run) run.dirty = run.changed = true;
  }

  podUnschedulable(pr: PodRun, message: string): void {
    this.touch(pr, (node) => nodeUnschedulable(node, message));
  }

  podBound(pr: PodRun): void {
    this.touch(pr, (node) => nodeBound(node, pr.node!));
  }

  started(pr: PodRun): void {
    this.touch(pr, (node) => nodeStarted(node, pr, this.opts.speed));
  }

  finished(pr: PodRun, end: PodEnd): void {
    const run = this.runs.get(pr.wfKey);
    if (run) run.activePods = Math.max(0, run.activePods - 1);
    this.touch(pr, (node) => nodeFinished(node, pr, end, run?.wf.spec.templates as TemplateOutputs[] | undefined));
    if (run) this.deps.podGc.podDone(run, pr);
  }

  podDeleted(pr: PodRun): void {
    const run = this.runs.get(pr.wfKey);
    if (run) run.activePods = Math.max(0, run.activePods - 1);
    this.touch(pr, (node) => nodeDeleted(node, this.opts.now()));
  }

  /** The Workflow a pod belongs to (a `resource` step creates its children under it). */
  ownerOf(pr: PodRun): KObject | undefined {
    return this.runs.get(pr.wfKey)?.wf;
  }

  // ---- restarts (ControlLoop.captureState, restoreState) ----

  runOf(key: string): WfRun | undefined {
    return this.runs.get(key);
  }

  /** Pod attempt counts and refused pods, which the store does not hold. */
  captureRuns(): Array<{ key: string; attempts: Array<[nodeName: string, pods: number]>; refused: string[] }> {
    const runs = [];
    for (const run of this.runs.values()) {
      if (run.podRuns?.size || run.state.refused.size)
        runs.push({ key: run.key, attempts: [...(run.podRuns ?? [])], refused: [...run.state.refused] });
    }
    return runs;
  }
}

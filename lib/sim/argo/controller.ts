// The simulated Argo workflow-controller plus the parts of kubelet/kube-scheduler it needs:
// it watches Workflow writes in the store, reconciles dirty workflows once per tick, creates Pods
// for Pod nodes, places them on nodes with free GPUs, runs them for their modelled duration and
// writes results back as a real controller would. All timing runs off one TimerHeap.
import type { TimerHeap } from '../clock';
import { parseQuantity, type Placement, type PodDemand, type Toleration } from '../placement';
import type { GpuSlot } from '../pools';
import type { KObject, Store } from '../store';
import { substitute, substituteDeep } from './expr';
import { collectHints, planStep, type StepPlan } from './model';
import {
  buildCtx,
  newOperatorState,
  Operator,
  podName,
  type OperatorState,
  type PodRefusal,
  type PodRequest,
} from './operator';
import { podGcOf } from './pod-gc';
import { readPodLog, type PodLog } from './pod-log';
import { hash, resourcesDuration } from './resources';
import { joinWorkflowSpec, readResourceAction, type ResourceAction } from './resource';
import { runResourceStep } from './resource-step';
import { isFulfilled, type Container, type NodeStatus } from './types';

export const WF = 'workflows';
export const PODS = 'pods';
const WFT = 'workflowtemplates';
const EXECUTOR_IMAGE = 'quay.io/argoproj/argoexec:v3.6.4';

type WfRun = {
  key: string;
  wf: KObject & { spec: Record<string, unknown>; status: Record<string, unknown> };
  dirty: boolean;
  /** status changed outside reconcile (pod events) */ changed?: boolean;
  state: OperatorState;
  lastWrite: number;
  activePods: number;
  wakeAt?: number;
  /** pods created per node name, kept across `argo retry` */ podRuns?: Map<string, number>;
};

export type PodRun = {
  key: string;
  ns: string;
  name: string;
  wfKey: string;
  nodeId: string;
  plan: StepPlan;
  demand: PodDemand;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  node?: string;
  slots?: GpuSlot[];
  unschedulable?: string;
  killed?: string;
  /** placement signature: pods with equal demands fail to place for the same reason */
  sig?: string;
  /** the exit code of an image the simulation really runs (see ControllerOptions.execute) */
  exec?: Promise<number>;
  /** a `resource` template's action, its manifest substituted: run by the controller (argoexec resource) */
  resource?: ResourceAction;
  /** files the executed container wrote, by path: output parameters `valueFrom.path` read them */
  files?: Record<string, string>;
};

/** A pod run as a snapshot keeps it: all but the executed image's promise, GPU slots as indices. */
type SavedPodRun = Omit<PodRun, 'exec' | 'slots'> & { slotIdx?: number[] };
export type ControllerState = {
  pods: SavedPodRun[];
  runs: Array<{ key: string; attempts: Array<[nodeName: string, pods: number]>; refused: string[] }>;
};

/** The condition message Kubernetes' PodGC gives a pod whose Node object is gone. */
const NODE_LOST = 'PodGC: node no longer exists';

/** What an executed image sees of its pod: the main container as the kubelet would start it. */
export type PodExecution = {
  namespace: string;
  name: string;
  image: string;
  command: string[];
  env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  /** keeps a file the container wrote, for output parameters read from its path */
  writeFile?: (path: string, content: string) => void;
};

/**
 * Runs the main container of a pod for real when the image is one the simulation knows (Gantry's
 * benchmark runner); answers undefined for every other image, which runs on the model alone.
 * The pod ends at its modelled time or when the execution ends, whichever is later.
 */
type PodExecutor = (pod: PodExecution) => Promise<number> | undefined;

export type ControllerOptions = {
  seed: number;
  speed: number;
  failureRate: number;
  now: () => number;
  log?: (msg: string, fields?: object) => void;
  execute?: PodExecutor;
  /** false: Workflows are left alone (see SimClusterOptions.argoController); default true */
  workflows?: boolean;
  /** The API server's pod admission: undefined admits, a refusal is what the create answered. */
  admitPod?: (pod: KObject) => PodRefusal | undefined;
};

const ts = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const wfKey = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class ArgoController {
  private readonly runs = new Map<string, WfRun>();
  /** resource steps waiting on their object's conditions, by pod key: checked once per tick */
  private readonly resourceWaits = new Map<string, () => void>();
  readonly pods = new Map<string, PodRun>();
  private pending: PodRun[] = [];
  private pendingDirty = false;
  private lastPlacementGen = -1;
  private writing = false;

  constructor(
    private readonly store: Store,
    private readonly placement: Placement,
    private readonly timers: TimerHeap,
    private readonly opts: ControllerOptions,
  ) {
    store.onChange((type, resource, obj) => {
      if (this.writing) return;
      if (resource === WF && opts.workflows !== false) this.onWorkflow(type, obj);
      if (resource === PODS && type === 'DELETED') this.onPodDeleted(obj);
    });
  }

  private now(): number {
    return this.opts.now();
  }

  get stats() {
    return { workflows: this.runs.size, pods: this.pods.size, pending: this.pending.length };
  }

  private onWorkflow(type: string, obj: KObject): void {
    const key = wfKey(obj);
    if (type === 'DELETED') {
      const run = this.runs.get(key);
      this.runs.delete(key);
      if (run) this.deletePodsOf(key, obj.metadata.uid);
      this.deleteOwnedWorkflows(obj);
      return;
    }
    const copy = JSON.parse(JSON.stringify(obj)) as WfRun['wf'];
    copy.spec ??= {};
    copy.status ??= {};
    const run = this.runs.get(key);
    if (run && run.wf.metadata.uid === copy.metadata.uid && isRetried(run.wf.status, copy.status)) {
      // `argo retry` (a client's update of a finished workflow back to Running, failed nodes removed):
      // its status is taken as written and the operator walks it afresh, re-running what is missing
      run.wf = copy;
      this.resolveTemplateRef(run);
      run.state = newOperatorState();
      run.wakeAt = undefined;
      run.dirty = true;
    } else if (run && run.wf.metadata.uid === copy.metadata.uid) {
      // the controller owns status: pod results not yet written must survive a user's patch
      copy.status = run.wf.status;
      run.wf = copy;
      this.resolveTemplateRef(run);
      run.dirty = true;
    } else {
      this.runs.set(key, { key, wf: copy, dirty: true, state: newOperatorState(), lastWrite: 0, activePods: 0 });
    }
  }

  /** Work done once per tick: due timers already ran; place pods, reconcile dirty workflows. */
  tick(): void {
    if (this.pendingDirty || this.placement.generation !== this.lastPlacementGen) this.schedulePending();
    for (const check of [...this.resourceWaits.values()]) check();
    const now = this.now();
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

  private reconcile(run: WfRun): void {
    const { wf } = run;
    const status = wf.status;
    if (['Succeeded', 'Failed', 'Error'].includes(status.phase as string)) return;
    const before = JSON.stringify(status);
    const now = this.now();
    if (!status.phase || status.phase === 'Pending') {
      status.phase = 'Running';
      status.startedAt = ts(now);
      status.finishedAt = null;
      status.progress = '0/0';
    }
    // before anything reads the spec: a part's templates come from its WorkflowTemplate
    const refError = this.resolveTemplateRef(run);
    const shutdown = wf.spec.shutdown as string | undefined;
    if (shutdown === 'Terminate' || shutdown === 'Stop') this.stopPods(run, `Stopped with strategy '${shutdown}'`);
    const ctx = buildCtx(
      wf,
      {
        now: () => this.now(),
        speed: this.opts.speed,
        wakeAt: (ms) => {
          run.wakeAt = run.wakeAt === undefined ? ms : Math.min(run.wakeAt, ms);
          this.timers.at(ms, () => undefined);
        },
        createPod: (req) => {
          if (shutdown) return false;
          const limit = Number(wf.spec.parallelism ?? 0);
          if (limit > 0 && run.activePods >= limit) return false;
          return this.createPod(run, req);
        },
      },
      run.state,
    );
    let result: ReturnType<Operator['run']>;
    try {
      result = refError ? { phase: 'Error', message: refError } : new Operator(ctx).run();
    } catch (e) {
      result = { phase: 'Error', message: (e as Error).message };
    }
    if (shutdown && !result) {
      // Terminate skips the exit handler; Stop lets it run (it was not started with pods blocked, so end here)
      result = { phase: 'Failed', message: `Stopped with strategy '${shutdown}'` };
      this.failOpenNodes(ctx.nodes, result.message!);
    }
    this.rollup(ctx.nodes, status);
    if (result) {
      status.phase = result.phase;
      status.finishedAt = ts(now);
      if (result.message) status.message = result.message;
      if (shutdown) status.message = `Stopped with strategy '${shutdown}'`;
      this.failOpenNodes(ctx.nodes, String(status.message ?? 'workflow finished'));
      this.onWorkflowDone(run);
    }
    const labels = (wf.metadata.labels ??= {});
    labels['workflows.argoproj.io/phase'] = String(status.phase);
    if (result) labels['workflows.argoproj.io/completed'] = 'true';
    else labels['workflows.argoproj.io/completed'] ??= 'false';
    status.conditions = [
      { type: 'PodRunning', status: run.activePods > 0 ? 'True' : 'False' },
      ...(result ? [{ type: 'Completed', status: 'True' }] : []),
    ];
    if (run.changed || JSON.stringify(status) !== before || result) this.writeWorkflow(run);
    run.changed = false;
  }

  /** Nodes still open when the workflow ends (a Terminate) are closed like Argo does. */
  private failOpenNodes(nodes: Record<string, NodeStatus>, message: string): void {
    for (const n of Object.values(nodes)) {
      if (!isFulfilled(n.phase)) {
        n.phase = 'Failed';
        n.message = message;
        n.finishedAt = ts(this.now());
      }
    }
  }

  /** progress ("succeeded pods/all pods") and resourcesDuration, per node and for the workflow. */
  private rollup(nodes: Record<string, NodeStatus>, status: Record<string, unknown>): void {
    const total = new Map<string, [number, number]>();
    const res = new Map<string, Record<string, number>>();
    const all: [number, number] = [0, 0];
    const allRes: Record<string, number> = {};
    const add = (into: Record<string, number>, from: Record<string, number> | undefined) => {
      for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
    };
    for (const n of Object.values(nodes)) {
      if (n.type !== 'Pod') continue;
      const ok = n.phase === 'Succeeded' ? 1 : 0;
      all[0] += ok;
      all[1] += 1;
      add(allRes, n.resourcesDuration);
      // every boundary (Steps/DAG) above the pod, plus Retry/TaskGroup parents by name
      const seen = new Set<string>();
      let b = n.boundaryID;
      while (b && !seen.has(b)) {
        seen.add(b);
        const t = total.get(b) ?? [0, 0];
        t[0] += ok;
        t[1] += 1;
        total.set(b, t);
        add(res.get(b) ?? (res.set(b, {}), res.get(b)!), n.resourcesDuration);
        b = nodes[b]?.boundaryID;
      }
    }
    for (const n of Object.values(nodes)) {
      if (n.type === 'Pod') continue;
      let t = total.get(n.id);
      let r = res.get(n.id);
      if (n.type === 'Retry' || n.type === 'TaskGroup' || n.type === 'StepGroup') {
        t = [0, 0];
        r = {};
        for (const c of n.children ?? []) {
          const cn = nodes[c];
          if (cn?.type !== 'Pod') continue;
          t[0] += cn.phase === 'Succeeded' ? 1 : 0;
          t[1] += 1;
          add(r, cn.resourcesDuration);
        }
      }
      if (t && t[1] > 0) n.progress = `${t[0]}/${t[1]}`;
      if (r && Object.keys(r).length) n.resourcesDuration = r;
    }
    status.progress = `${all[0]}/${all[1]}`;
    if (Object.keys(allRes).length) status.resourcesDuration = allRes;
  }

  private writeWorkflow(run: WfRun): void {
    const cur = this.store.get(WF, run.wf.metadata.namespace, run.wf.metadata.name);
    if (!cur || cur.metadata.uid !== run.wf.metadata.uid) return;
    // user edits since our copy (labels, annotations, spec) win; status is ours
    const next = JSON.parse(JSON.stringify({ ...cur, status: run.wf.status })) as KObject;
    next.metadata.labels = {
      ...(cur.metadata.labels ?? {}),
      ...pick(run.wf.metadata.labels, 'workflows.argoproj.io/'),
    };
    this.writing = true;
    try {
      const saved = this.store.update(WF, next);
      run.wf.metadata.resourceVersion = saved.metadata.resourceVersion;
      run.wf.metadata.labels = saved.metadata.labels;
      run.lastWrite = this.now();
    } finally {
      this.writing = false;
    }
  }

  private onWorkflowDone(run: WfRun): void {
    const { strategy: gc } = podGcOf(run.wf.spec);
    const ok = run.wf.status.phase === 'Succeeded';
    if (gc === 'OnWorkflowCompletion' || (gc === 'OnWorkflowSuccess' && ok)) {
      for (const pr of [...this.pods.values()]) if (pr.wfKey === run.key) this.collectPod(run, pr);
    }
  }

  /**
   * Pod GC, as Argo's pod GC queue: at once, or after podGC.deleteDelayDuration. The delay is
   * wall-clock, not divided by the speed: it exists for observers (Gantry's log capture) that run
   * in real time. A pod re-created meanwhile (a retried step) is not the one queued, so it stays.
   */
  private collectPod(run: WfRun, pr: PodRun): void {
    const delayMs = podGcOf(run.wf.spec).delayMs;
    if (delayMs <= 0) return this.deletePod(pr);
    this.timers.at(this.now() + delayMs, () => {
      if (this.pods.get(pr.key) === pr) this.deletePod(pr);
    });
  }

  // ---- pods ----

  /** true when created; a refusal of the API server's admission (ResourceQuota, ServiceAccount) otherwise. */
  private createPod(run: WfRun, req: PodRequest): true | PodRefusal {
    const wf = run.wf;
    const t = req.template;
    const spec = wf.spec;
    const c: Container = substituteDeep(
      t.container ??
        t.script ??
        t.containerSet?.containers?.[0] ?? { image: EXECUTOR_IMAGE, command: ['argoexec', 'resource'] },
      req.scope,
    );
    const ns = wf.metadata.namespace ?? 'default';
    const name = podName(wf.metadata.name, req.nodeName, t.name);
    const limits = c.resources?.limits ?? {};
    const requestsRaw = { ...limits, ...(c.resources?.requests ?? {}) };
    const requests: Record<string, number> = {};
    for (const [k, v] of Object.entries(requestsRaw)) requests[k] = parseQuantity(v);
    const gpus = Object.entries(requests)
      .filter(([k]) => k.startsWith('nvidia.com/'))
      .reduce((a, [, v]) => a + v, 0);
    const podMeta = (spec.podMetadata ?? {}) as {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    const annotations = { ...(podMeta.annotations ?? {}), ...(t.metadata?.annotations ?? {}) };
    const hints = collectHints({ ...pick(wf.metadata.annotations, 'gantry.dev/sim-'), ...annotations }, c.env);
    // A step run again after `argo retry` counts as a later attempt and draws afresh, so a transient
    // failure (sim-fail-attempts, a seeded failure) can pass the second time, as it would for real.
    const earlier = (run.podRuns ??= new Map()).get(req.nodeName) ?? 0;
    run.podRuns.set(req.nodeName, earlier + 1);
    const plan = planStep({
      seed: this.opts.seed,
      failureRate: this.opts.failureRate,
      key: `${wf.metadata.uid}:${req.nodeName}${earlier ? `#${earlier}` : ''}`,
      attempt: req.attempt + earlier,
      hints,
      command: [...(c.command ?? []), ...(c.args ?? [])],
      source: c.source,
      templateName: t.name,
      image: c.image ?? '',
      gpus,
    });
    const nodeSelector = (t.nodeSelector ?? spec.nodeSelector) as Record<string, string> | undefined;
    const tolerations = (t.tolerations ?? spec.tolerations) as Toleration[] | undefined;
    const affinity = (t.affinity ?? spec.affinity) as
      | {
          nodeAffinity?: {
            requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: PodDemand['affinityTerms'] };
          };
        }
      | undefined;
    const key = `${ns}/${name}`;
    const demand: PodDemand = {
      key,
      requests,
      nodeSelector,
      tolerations,
      affinityTerms: affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    };
    const now = this.now();
    const pr: PodRun = {
      key,
      ns,
      name,
      wfKey: run.key,
      nodeId: req.nodeId,
      plan,
      demand,
      phase: 'Pending',
      createdAt: now,
    };
    const resource = readResourceAction(t.resource);
    if (resource) pr.resource = { ...resource, manifest: substitute(resource.manifest, req.scope) };
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        labels: {
          ...(podMeta.labels ?? {}),
          ...(t.metadata?.labels ?? {}),
          'workflows.argoproj.io/completed': 'false',
          'workflows.argoproj.io/workflow': wf.metadata.name,
        },
        annotations: {
          ...annotations,
          'workflows.argoproj.io/node-id': req.nodeId,
          'workflows.argoproj.io/node-name': req.nodeName,
        },
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            name: wf.metadata.name,
            uid: wf.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          } as never,
        ],
      },
      spec: {
        containers: [
          {
            name: 'wait',
            image: EXECUTOR_IMAGE,
            command: ['argoexec', 'wait', '--loglevel', 'info'],
            resources: { requests: { cpu: '10m', memory: '64Mi' } },
          },
          { name: 'main', image: c.image, command: c.command, args: c.args, env: c.env, resources: c.resources ?? {} },
        ],
        restartPolicy: 'Never',
        schedulerName: 'default-scheduler',
        serviceAccountName: (spec.serviceAccountName as string) ?? 'default',
        ...(nodeSelector ? { nodeSelector } : {}),
        ...(tolerations ? { tolerations } : {}),
        ...(affinity ? { affinity } : {}),
        ...((t.priorityClassName ?? spec.podPriorityClassName)
          ? { priorityClassName: t.priorityClassName ?? spec.podPriorityClassName }
          : {}),
      },
      status: { phase: 'Pending', qosClass: Object.keys(limits).length ? 'Burstable' : 'BestEffort' },
    };
    // The same admission a pod created over HTTP goes through: namespace, ServiceAccount, ResourceQuota.
    const refusal = this.opts.admitPod?.(pod);
    if (refusal) {
      run.podRuns.set(req.nodeName, earlier);
      this.opts.log?.('sim: pod refused', { pod: key, message: refusal.message });
      return refusal;
    }
    this.writing = true;
    try {
      this.store.create(PODS, pod);
    } finally {
      this.writing = false;
    }
    this.pods.set(key, pr);
    run.activePods++;
    this.pending.push(pr);
    this.pendingDirty = true;
    return true;
  }

  private patchPod(pr: PodRun, fn: (pod: KObject) => void): void {
    const pod = this.store.getCopy(PODS, pr.ns, pr.name);
    if (!pod) return;
    fn(pod);
    this.writing = true;
    try {
      this.store.update(PODS, pod);
    } finally {
      this.writing = false;
    }
  }

  private nodeOf(pr: PodRun): NodeStatus | undefined {
    const run = this.runs.get(pr.wfKey);
    return (run?.wf.status.nodes as Record<string, NodeStatus> | undefined)?.[pr.nodeId];
  }

  private touch(pr: PodRun): void {
    const run = this.runs.get(pr.wfKey);
    if (run) run.dirty = run.changed = true;
  }

  /** Places pending pods in creation order; identical demands that failed are not retried this pass. */
  private schedulePending(): void {
    this.pendingDirty = false;
    this.lastPlacementGen = this.placement.generation;
    const failed = new Map<string, string>();
    const still: PodRun[] = [];
    for (const pr of this.pending) {
      if (pr.phase !== 'Pending' || pr.killed || !this.pods.has(pr.key)) continue;
      const sig = (pr.sig ??= JSON.stringify([
        pr.demand.requests,
        pr.demand.nodeSelector,
        pr.demand.tolerations,
        pr.demand.affinityTerms,
      ]));
      let msg = failed.get(sig);
      if (msg === undefined) {
        const r = this.placement.place(pr.demand);
        if (r.ok) {
          this.bound(pr, r.node, r.slots);
          continue;
        }
        msg = r.message;
        failed.set(sig, msg);
      }
      still.push(pr);
      if (pr.unschedulable !== msg) {
        pr.unschedulable = msg;
        this.patchPod(pr, (pod) => {
          pod.status = {
            phase: 'Pending',
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: msg,
                lastProbeTime: null,
                lastTransitionTime: ts(this.now()),
              },
            ],
            qosClass: (pod.status as { qosClass?: string }).qosClass,
          };
        });
        const node = this.nodeOf(pr);
        if (node) node.message = `Unschedulable: ${msg}`;
        this.touch(pr);
      }
    }
    this.pending = still;
    this.lastPlacementGen = this.placement.generation;
  }

  private bound(pr: PodRun, node: string, slots: GpuSlot[]): void {
    pr.node = node;
    pr.slots = slots;
    pr.unschedulable = undefined;
    const now = this.now();
    this.patchPod(pr, (pod) => {
      (pod.spec as Record<string, unknown>).nodeName = node;
      pod.status = {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts(now) }],
        hostIP: `10.0.0.${(hash(node) % 240) + 10}`,
        containerStatuses: ['wait', 'main'].map((name) => ({
          name,
          ready: false,
          restartCount: 0,
          started: false,
          state: { waiting: { reason: 'ContainerCreating' } },
        })),
        qosClass: (pod.status as { qosClass?: string }).qosClass,
      };
    });
    const n = this.nodeOf(pr);
    if (n) {
      n.hostNodeName = node;
      delete n.message;
    }
    this.touch(pr);
    this.scheduleStart(pr, now);
  }

  /** Image pull + container start: 1-4 simulated seconds after binding. */
  private scheduleStart(pr: PodRun, from: number): void {
    this.timers.at(from + (1000 + (hash(pr.key) % 3000)) / this.opts.speed, () => this.start(pr));
  }

  private start(pr: PodRun): void {
    if (pr.phase !== 'Pending' || pr.killed || !this.pods.has(pr.key)) return;
    const now = this.now();
    pr.phase = 'Running';
    pr.startedAt = now;
    this.patchPod(pr, (pod) => {
      const st = pod.status as Record<string, unknown>;
      st.phase = 'Running';
      st.startTime = ts(now);
      st.podIP = `10.42.${hash(pr.node ?? '') % 250}.${(hash(pr.key) % 250) + 2}`;
      st.conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: ts(now),
      }));
      st.containerStatuses = ['wait', 'main'].map((name) => ({
        name,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: ts(now) } },
      }));
    });
    const n = this.nodeOf(pr);
    if (n && n.phase === 'Pending') n.phase = 'Running';
    // Argo estimates a step from earlier runs of the same template; the sim knows the real run time,
    // so the console's progress bars have something to show (whole wall-clock seconds, like Argo).
    if (n) n.estimatedDuration = Math.max(1, Math.round(pr.plan.seconds / this.opts.speed));
    this.touch(pr);
    this.runMain(pr);
  }

  /** The main container: ends at startedAt + its modelled time (or when its executed image ends). */
  private runMain(pr: PodRun, resumed = false): void {
    // A step the model already fails (a crash, an injected failure) never gets to run its image.
    if (pr.plan.exitCode === 0) pr.exec = this.execute(pr, resumed);
    this.timers.at(pr.startedAt! + (pr.plan.seconds * 1000) / this.opts.speed, () => {
      if (!pr.exec) return this.complete(pr);
      void pr.exec.then((exitCode) => {
        pr.plan = { ...pr.plan, exitCode };
        this.complete(pr);
      });
    });
  }

  private execute(pr: PodRun, resumed: boolean): Promise<number> | undefined {
    if (pr.resource) {
      const log = (msg: string, fields?: object) => this.opts.log?.(msg, { pod: pr.key, ...fields });
      return runResourceStep(
        {
          store: this.store,
          owner: this.runs.get(pr.wfKey)?.wf,
          ns: pr.ns,
          action: pr.resource,
          resumed,
          waits: this.resourceWaits,
          key: pr.key,
          log,
        },
        () => !pr.killed && pr.phase === 'Running' && this.pods.has(pr.key),
      );
    }
    if (!this.opts.execute) return undefined;
    const main = (
      (this.store.get(PODS, pr.ns, pr.name)?.spec as { containers?: Container[] } | undefined)?.containers ?? []
    ).find((c) => c.name === 'main');
    if (!main?.image) return undefined;
    const run = this.opts.execute({
      namespace: pr.ns,
      name: pr.name,
      image: main.image,
      command: [...(main.command ?? []), ...(main.args ?? [])],
      env: main.env ?? [],
      writeFile: (path, content) => void ((pr.files ??= {})[path] = content),
    });
    return run?.catch((error: unknown) => {
      this.opts.log?.('sim: executed container failed', { pod: pr.key, error: String(error) });
      return 1;
    });
  }

  private complete(pr: PodRun, killedMessage?: string): void {
    if (pr.phase === 'Succeeded' || pr.phase === 'Failed') return;
    if (!killedMessage && (pr.killed || pr.phase !== 'Running')) return;
    const now = this.now();
    const exitCode = killedMessage ? 143 : pr.plan.exitCode;
    pr.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
    pr.finishedAt = now;
    this.placement.release(pr.key);
    const run = this.runs.get(pr.wfKey);
    if (run) run.activePods = Math.max(0, run.activePods - 1);
    const reason = exitCode === 137 ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    this.patchPod(pr, (pod) => {
      const st = pod.status as Record<string, unknown>;
      st.phase = pr.phase;
      st.conditions = [
        { type: 'Ready', status: 'False', reason: 'PodCompleted', lastProbeTime: null, lastTransitionTime: ts(now) },
      ];
      st.containerStatuses = ['wait', 'main'].map((name) => ({
        name,
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          terminated: {
            exitCode: name === 'wait' ? 0 : exitCode,
            reason: name === 'wait' ? 'Completed' : reason,
            startedAt: ts(pr.startedAt ?? now),
            finishedAt: ts(now),
          },
        },
      }));
      pod.metadata.labels = { ...(pod.metadata.labels ?? {}), 'workflows.argoproj.io/completed': 'true' };
    });
    const n = this.nodeOf(pr);
    if (n && !isFulfilled(n.phase)) {
      n.phase = pr.phase;
      n.finishedAt = ts(now);
      n.progress = pr.phase === 'Succeeded' ? '1/1' : '0/1';
      n.outputs = { ...(n.outputs ?? {}), exitCode: String(exitCode) };
      if (pr.phase === 'Succeeded') {
        n.outputs.result = pr.plan.result;
        delete n.message;
        const t = (
          this.runs.get(pr.wfKey)?.wf.spec.templates as
            | Array<{
                name: string;
                outputs?: {
                  parameters?: Array<{ name: string; value?: string; valueFrom?: { default?: string; path?: string } }>;
                };
              }>
            | undefined
        )?.find((x) => x.name === n.templateName);
        const params = (t?.outputs?.parameters ?? []).map((p) => ({
          name: p.name,
          value:
            (p.valueFrom?.path !== undefined ? pr.files?.[p.valueFrom.path] : undefined) ??
            p.value ??
            p.valueFrom?.default ??
            `${p.name}-${pr.name.slice(-6)}`,
        }));
        if (params.length) n.outputs.parameters = params;
      } else {
        n.message = killedMessage ?? `${reason} (exit code ${exitCode})`;
      }
      n.resourcesDuration = resourcesDuration(
        pr.demand.requests,
        ((pr.finishedAt ?? now) - (pr.startedAt ?? now)) / 1000,
      );
    }
    this.touch(pr);
    const gc = run ? podGcOf(run.wf.spec).strategy : undefined;
    if (run && (gc === 'OnPodCompletion' || (gc === 'OnPodSuccess' && pr.phase === 'Succeeded')))
      this.collectPod(run, pr);
  }

  private stopPods(run: WfRun, message: string): void {
    for (const pr of this.pods.values()) {
      if (pr.wfKey !== run.key || pr.phase === 'Succeeded' || pr.phase === 'Failed') continue;
      pr.killed = message;
      if (pr.phase === 'Pending') {
        pr.phase = 'Running';
        pr.startedAt ??= this.now();
      }
      this.complete(pr, message);
    }
  }

  private deletePod(pr: PodRun): void {
    this.pods.delete(pr.key);
    this.placement.release(pr.key);
    this.writing = true;
    try {
      if (this.store.get(PODS, pr.ns, pr.name)) this.store.delete(PODS, pr.ns, pr.name);
    } finally {
      this.writing = false;
    }
  }

  private deletePodsOf(key: string, uid: string | undefined): void {
    for (const pr of [...this.pods.values()]) if (pr.wfKey === key) this.deletePod(pr);
    void uid;
  }

  private onPodDeleted(obj: KObject): void {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const pr = this.pods.get(key);
    if (!pr) return;
    if (pr.phase === 'Pending' || pr.phase === 'Running') {
      pr.killed = 'pod deleted';
      this.placement.release(pr.key);
      const run = this.runs.get(pr.wfKey);
      if (run) run.activePods = Math.max(0, run.activePods - 1);
      const n = this.nodeOf(pr);
      if (n && !isFulfilled(n.phase)) {
        n.phase = 'Error';
        n.message = 'pod deleted';
        n.finishedAt = ts(this.now());
      }
      pr.phase = 'Failed';
      this.touch(pr);
    }
    this.pods.delete(key);
  }

  // ---- workflows of workflows ----

  /**
   * spec.workflowTemplateRef: the template's spec is joined under the workflow's once and kept in
   * status.storedWorkflowTemplateSpec (as Argo does: a later edit of the template does not change a
   * running workflow). Returns Argo's error when the template does not exist.
   */
  private resolveTemplateRef(run: WfRun): string | undefined {
    const ref = run.wf.spec.workflowTemplateRef as { name?: string } | undefined;
    if (!ref?.name) return undefined;
    let stored = run.wf.status.storedWorkflowTemplateSpec as Record<string, unknown> | undefined;
    if (!stored) {
      const template = this.store.get(WFT, run.wf.metadata.namespace, ref.name);
      if (!template) return `workflowtemplates.argoproj.io "${ref.name}" not found`;
      stored = joinWorkflowSpec((template.spec ?? {}) as Record<string, unknown>, run.wf.spec);
      run.wf.status.storedWorkflowTemplateSpec = stored;
    }
    // the workflow's own fields still win: a later `shutdown` patch must stop it
    run.wf.spec = joinWorkflowSpec(stored, run.wf.spec);
    return undefined;
  }

  /** The garbage collector's part: Workflows and WorkflowTemplates owned by a deleted Workflow go with it. */
  private deleteOwnedWorkflows(owner: KObject): void {
    if (!owner.metadata.uid) return;
    const ns = owner.metadata.namespace;
    for (const resource of [WF, WFT]) {
      for (const child of this.store.list(resource, { namespace: ns, labels: [], fields: [] }).items) {
        if (
          child.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid) &&
          this.store.get(resource, ns, child.metadata.name)
        ) {
          this.store.delete(resource, ns, child.metadata.name);
        }
      }
    }
  }

  /** Lines of a container's log available now; `done` once no more will come. */
  readLog(ns: string, name: string, container: string | undefined): PodLog {
    return readPodLog(this.pods.get(`${ns}/${name}`), name, container, {
      now: this.now(),
      speed: this.opts.speed,
      seed: this.opts.seed,
    });
  }

  // ---- restarts (lib/sim/persist.ts) ----

  /** Writes every workflow with unwritten changes now, large ones too, so a snapshot sees them. */
  flush(): void {
    for (const run of this.runs.values()) {
      if (!run.dirty && !run.changed) continue;
      run.dirty = false;
      this.reconcile(run);
    }
  }

  /** What the store does not hold: pod runs (plans, times, GPU slots), attempt counts, refused pods. */
  captureState(): ControllerState {
    const pods: SavedPodRun[] = [];
    for (const pr of this.pods.values()) {
      const { exec: _exec, slots: _slots, ...saved } = pr;
      pods.push({ ...saved, slotIdx: this.placement.bindingOf(pr.key)?.slotIdx });
    }
    const runs: ControllerState['runs'] = [];
    for (const run of this.runs.values()) {
      if (run.podRuns?.size || run.state.refused.size)
        runs.push({ key: run.key, attempts: [...(run.podRuns ?? [])], refused: [...run.state.refused] });
    }
    return { pods, runs };
  }

  /**
   * Carries on after a restart, from objects already loaded into the store: workflows are picked
   * up as at a controller start, pods keep their nodes and GPUs and end at startedAt + their
   * modelled time (wall-clock, so a step due while the cluster was stopped ends at once). A pod
   * bound to a node that is no longer configured fails as PodGC fails it after a node loss.
   */
  restoreState(state: ControllerState): { running: number; nodeLost: number } {
    if (this.opts.workflows !== false)
      for (const wf of this.store.list(WF, { labels: [], fields: [] }).items) this.onWorkflow('ADDED', wf);
    for (const r of state.runs) {
      const run = this.runs.get(r.key);
      if (!run) continue;
      run.podRuns = new Map(r.attempts);
      for (const id of r.refused) run.state.refused.add(id);
    }
    let running = 0;
    let nodeLost = 0;
    for (const { slotIdx, ...pr } of state.pods as Array<SavedPodRun & PodRun>) {
      if (!this.store.get(PODS, pr.ns, pr.name)) continue;
      this.pods.set(pr.key, pr);
      const run = this.runs.get(pr.wfKey);
      if (pr.phase === 'Succeeded' || pr.phase === 'Failed') {
        if (run) this.collectRestored(run, pr);
        continue;
      }
      if (run) run.activePods++;
      running++;
      if (pr.node === undefined) {
        this.pending.push(pr);
        this.pendingDirty = true;
        continue;
      }
      pr.slots = this.placement.rebind(pr.demand, pr.node, slotIdx ?? []);
      if (!pr.slots) {
        nodeLost++;
        if (pr.phase === 'Pending') pr.phase = 'Running';
        pr.startedAt ??= this.now();
        pr.killed = NODE_LOST;
        this.complete(pr, NODE_LOST);
      } else if (pr.phase === 'Pending') this.scheduleStart(pr, this.now());
      else this.runMain(pr, true);
    }
    return { running, nodeLost };
  }

  /** Pod GC still due for a finished pod restored from a snapshot (its timer did not survive). */
  private collectRestored(run: WfRun, pr: PodRun): void {
    const { strategy, delayMs } = podGcOf(run.wf.spec);
    const wfPhase = String(run.wf.status.phase ?? '');
    const byPod = strategy === 'OnPodCompletion' || (strategy === 'OnPodSuccess' && pr.phase === 'Succeeded');
    const byWorkflow =
      (strategy === 'OnWorkflowCompletion' && FINISHED.includes(wfPhase)) ||
      (strategy === 'OnWorkflowSuccess' && wfPhase === 'Succeeded');
    if (!byPod && !byWorkflow) return;
    const from = Math.max(pr.finishedAt ?? 0, byWorkflow ? Date.parse(String(run.wf.status.finishedAt)) || 0 : 0);
    this.timers.at(Math.max(this.now(), from + delayMs), () => {
      if (this.pods.get(pr.key) === pr) this.deletePod(pr);
    });
  }

  /** Pod runs for the dcgm generator: which pod holds a GPU slot, and whether it uses it. */
  podRun(key: string): PodRun | undefined {
    return this.pods.get(key);
  }
}

const FINISHED = ['Succeeded', 'Failed', 'Error'];

/** A finished workflow written back as running by a client: what `argo retry` / `argo resubmit --memoized` do. */
function isRetried(ours: Record<string, unknown>, theirs: Record<string, unknown> | undefined): boolean {
  const next = theirs?.phase as string | undefined;
  return FINISHED.includes(ours.phase as string) && (next === 'Running' || next === '' || next === 'Pending');
}

function pick(obj: Record<string, string> | undefined, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(obj ?? {}).filter(([k]) => k.startsWith(prefix)));
}

// The components that act on what the API server stores, driven by one tick: the scheduler, the
// kubelets, the garbage collectors and the Argo workflow-controller. It wires them together, follows
// the store for the writes they react to, and keeps what a restart must carry over (lib/sim/persist.ts).
import { PodGc } from './argo/pod-gc';
import { WF, WorkflowController, type WorkflowControllerOptions } from './argo/workflow-controller';
import type { TimerHeap } from './clock';
import { GarbageCollector } from './garbage-collector';
import type { PodExecutor } from './kubelet/exec';
import { Kubelet } from './kubelet/kubelet';
import type { PodLog } from './kubelet/pod-log';
import { OwnWrites } from './own-writes';
import type { Placement } from './placement';
import { isFinished, PodRuns, PODS, type PodRun } from './pod-runs';
import { Scheduler } from './scheduler';
import type { KObject, Store } from './store';

/** A pod run as a snapshot keeps it: all but the executed image's promise, GPU slots as indices. */
type SavedPodRun = Omit<PodRun, 'exec' | 'slots'> & { slotIdx?: number[] };
export type ControllerState = {
  pods: SavedPodRun[];
  runs: Array<{ key: string; attempts: Array<[nodeName: string, pods: number]>; refused: string[] }>;
};

/** The condition message Kubernetes' PodGC gives a pod whose Node object is gone. */
const NODE_LOST = 'PodGC: node no longer exists';

export type ControlLoopOptions = WorkflowControllerOptions & {
  execute?: PodExecutor;
  /** false: Workflows are left alone (see SimClusterOptions.argoController); default true */
  workflows?: boolean;
};

export class ControlLoop {
  private readonly pods: PodRuns;
  private readonly scheduler: Scheduler;
  private readonly kubelet: Kubelet;
  private readonly workflows: WorkflowController;
  private readonly podGc: PodGc;

  constructor(
    private readonly store: Store,
    private readonly placement: Placement,
    timers: TimerHeap,
    private readonly opts: ControlLoopOptions,
  ) {
    const own = new OwnWrites();
    const pods = (this.pods = new PodRuns(store, placement, own));
    const gc = new GarbageCollector(store, pods);
    const podGc = (this.podGc = new PodGc(pods, timers, opts.now));
    this.scheduler = new Scheduler(pods, placement, opts.now, {
      bound: (pr, at) => {
        this.workflows.podBound(pr);
        this.kubelet.scheduleStart(pr, at);
      },
      unschedulable: (pr, message) => this.workflows.podUnschedulable(pr, message),
    });
    this.kubelet = new Kubelet(
      store,
      pods,
      placement,
      timers,
      { ...opts, ownerOf: (pr) => this.workflows.ownerOf(pr) },
      { started: (pr) => this.workflows.started(pr), finished: (pr, end) => this.workflows.finished(pr, end) },
    );
    this.workflows = new WorkflowController(
      {
        store,
        pods,
        own,
        podGc,
        schedule: (pr) => this.scheduler.enqueue(pr),
        kill: (pr, message) => this.kubelet.kill(pr, message),
        wakeAt: (ms) => timers.at(ms, () => undefined),
        deleted: (owner, hadRun) => gc.workflowDeleted(owner, hadRun),
      },
      opts,
    );
    store.onChange((type, resource, obj) => {
      if (own.active) return;
      if (resource === WF && opts.workflows !== false) this.workflows.onWorkflow(type, obj);
      if (resource === PODS && type === 'DELETED') this.podDeleted(obj);
    });
  }

  get stats() {
    return { workflows: this.workflows.size, pods: this.pods.size, pending: this.scheduler.queued };
  }

  /** Work done once per tick, after the timers due: place pods, check resource steps, reconcile workflows. */
  tick(): void {
    this.scheduler.tick();
    this.kubelet.tick();
    this.workflows.tick(this.opts.now());
  }

  /** A client deleted a pod the simulation runs: its container stops and its node fails. */
  private podDeleted(obj: KObject): void {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const pr = this.pods.get(key);
    if (!pr) return;
    if (!isFinished(pr)) {
      this.kubelet.forget(pr);
      this.workflows.podDeleted(pr);
    }
    this.pods.forget(key);
  }

  /** Lines of a container's log available now; `done` once no more will come. */
  readLog(ns: string, name: string, container: string | undefined): PodLog {
    return this.kubelet.readLog(ns, name, container);
  }

  /** Pod runs for the dcgm generator: which pod holds a GPU slot, and whether it uses it. */
  podRun(key: string): PodRun | undefined {
    return this.pods.get(key);
  }

  // ---- restarts (lib/sim/persist.ts) ----

  /** Writes every workflow with unwritten changes now, large ones too, so a snapshot sees them. */
  flush(): void {
    this.workflows.flush();
  }

  /** What the store does not hold: pod runs (plans, times, GPU slots), attempt counts, refused pods. */
  captureState(): ControllerState {
    const pods: SavedPodRun[] = [];
    for (const pr of this.pods.values()) {
      const { exec: _exec, slots: _slots, ...saved } = pr;
      pods.push({ ...saved, slotIdx: this.placement.bindingOf(pr.key)?.slotIdx });
    }
    return { pods, runs: this.workflows.captureRuns() };
  }

  /**
   * Carries on after a restart, from objects already loaded into the store: workflows are picked
   * up as at a controller start, pods keep their nodes and GPUs and end at startedAt + their
   * modelled time (wall-clock, so a step due while the cluster was stopped ends at once). A pod
   * bound to a node that is no longer configured fails as PodGC fails it after a node loss.
   */
  restoreState(state: ControllerState): { running: number; nodeLost: number } {
    if (this.opts.workflows !== false)
      for (const wf of this.store.list(WF, { labels: [], fields: [] }).items) this.workflows.onWorkflow('ADDED', wf);
    for (const r of state.runs) {
      const run = this.workflows.runOf(r.key);
      if (!run) continue;
      run.podRuns = new Map(r.attempts);
      for (const id of r.refused) run.state.refused.add(id);
    }
    const counts = { running: 0, nodeLost: 0 };
    for (const { slotIdx, ...pr } of state.pods as Array<SavedPodRun & PodRun>) {
      if (!this.store.get(PODS, pr.ns, pr.name)) continue;
      this.pods.set(pr);
      const run = this.workflows.runOf(pr.wfKey);
      if (isFinished(pr)) {
        if (run) this.podGc.restored(run, pr);
        continue;
      }
      if (run) run.activePods++;
      counts.running++;
      if (!this.resumePod(pr, slotIdx)) counts.nodeLost++;
    }
    return counts;
  }

  /** A restored pod that had not ended goes on where it was; false when its node is gone. */
  private resumePod(pr: PodRun, slotIdx: number[] | undefined): boolean {
    if (pr.node === undefined) {
      this.scheduler.enqueue(pr);
      return true;
    }
    pr.slots = this.placement.rebind(pr.demand, pr.node, slotIdx ?? []);
    if (!pr.slots) {
      this.kubelet.kill(pr, NODE_LOST);
      return false;
    }
    if (pr.phase === 'Pending') this.kubelet.scheduleStart(pr, this.opts.now());
    else this.kubelet.runMain(pr, true);
    return true;
  }
}

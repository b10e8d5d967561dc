// The pods the simulation runs, as the components acting on them share them: each Pod object in the
// store has a run here (its step's plan, node, GPU slots, times) that the scheduler, the kubelet,
// the garbage collectors and the Argo controller read and advance.
import type { StepPlan } from './argo/model';
import type { ResourceAction } from './argo/resource';
import type { Placement, PodDemand } from './placement';
import type { OwnWrites } from './own-writes';
import type { GpuSlot } from './pools';
import type { KObject, Store } from './store';

export const PODS = 'pods';

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
  /** the exit code of an image the simulation really runs (see Kubelet's execute option) */
  exec?: Promise<number>;
  /** a `resource` template's action, its manifest substituted: run by the kubelet (argoexec resource) */
  resource?: ResourceAction;
  /** files the executed container wrote, by path: output parameters `valueFrom.path` read them */
  files?: Record<string, string>;
};

export const isFinished = (pr: PodRun) => pr.phase === 'Succeeded' || pr.phase === 'Failed';

export class PodRuns {
  private readonly byKey = new Map<string, PodRun>();

  constructor(
    private readonly store: Store,
    private readonly placement: Placement,
    private readonly own: OwnWrites,
  ) {}

  get size(): number {
    return this.byKey.size;
  }
  get(key: string): PodRun | undefined {
    return this.byKey.get(key);
  }
  has(key: string): boolean {
    return this.byKey.has(key);
  }
  set(pr: PodRun): void {
    this.byKey.set(pr.key, pr);
  }
  forget(key: string): void {
    this.byKey.delete(key);
  }
  values(): IterableIterator<PodRun> {
    return this.byKey.values();
  }
  /** A copy, for loops that delete as they go. */
  of(wfKey: string): PodRun[] {
    return [...this.byKey.values()].filter((pr) => pr.wfKey === wfKey);
  }

  /** Changes the stored Pod object (its status, mostly) as the kubelet or scheduler reports it. */
  patch(pr: PodRun, fn: (pod: KObject) => void): void {
    const pod = this.store.getCopy(PODS, pr.ns, pr.name);
    if (!pod) return;
    fn(pod);
    this.own.run(() => this.store.update(PODS, pod));
  }

  /** Deletes the pod: its run, its node's resources and the Pod object. */
  delete(pr: PodRun): void {
    this.byKey.delete(pr.key);
    this.placement.release(pr.key);
    this.own.run(() => {
      if (this.store.get(PODS, pr.ns, pr.name)) this.store.delete(PODS, pr.ns, pr.name);
    });
  }
}

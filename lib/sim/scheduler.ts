// kube-scheduler's loop for the simulated pods: pending pods are placed in creation order when
// something changed (a pod arrived, resources were released), bound to their node, and handed to
// the kubelet; a pod that fits nowhere stays Pending with the scheduler's message.
import type { Placement } from './placement';
import type { GpuSlot } from './pools';
import type { PodRun, PodRuns } from './pod-runs';
import { hash } from './rand';
import { timestamp } from './time';

/** What the scheduler tells the rest of the cluster about a pod it placed or could not place. */
export type SchedulerEvents = {
  /** `at`: when the binding was written; the kubelet starts the containers from then. */
  bound(pr: PodRun, at: number): void;
  unschedulable(pr: PodRun, message: string): void;
};

export class Scheduler {
  private pending: PodRun[] = [];
  private dirty = false;
  private lastPlacementGen = -1;

  constructor(
    private readonly pods: PodRuns,
    private readonly placement: Placement,
    private readonly now: () => number,
    private readonly events: SchedulerEvents,
  ) {}

  get queued(): number {
    return this.pending.length;
  }

  enqueue(pr: PodRun): void {
    this.pending.push(pr);
    this.dirty = true;
  }

  /** Once per tick: a pass over the pending pods when a pod arrived or the free resources changed. */
  tick(): void {
    if (this.dirty || this.placement.generation !== this.lastPlacementGen) this.schedulePending();
  }

  /** Places pending pods in creation order; identical demands that failed are not retried this pass. */
  private schedulePending(): void {
    this.dirty = false;
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
          this.bind(pr, r.node, r.slots);
          continue;
        }
        msg = r.message;
        failed.set(sig, msg);
      }
      still.push(pr);
      if (pr.unschedulable !== msg) this.markUnschedulable(pr, msg);
    }
    this.pending = still;
    this.lastPlacementGen = this.placement.generation;
  }

  private markUnschedulable(pr: PodRun, msg: string): void {
    pr.unschedulable = msg;
    this.pods.patch(pr, (pod) => {
      pod.status = {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: msg,
            lastProbeTime: null,
            lastTransitionTime: timestamp(this.now()),
          },
        ],
        qosClass: (pod.status as { qosClass?: string }).qosClass,
      };
    });
    this.events.unschedulable(pr, msg);
  }

  private bind(pr: PodRun, node: string, slots: GpuSlot[]): void {
    pr.node = node;
    pr.slots = slots;
    pr.unschedulable = undefined;
    const now = this.now();
    // the binding and the kubelet's first status (containers being created) in one write
    this.pods.patch(pr, (pod) => {
      (pod.spec as Record<string, unknown>).nodeName = node;
      pod.status = {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(now) }],
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
    this.events.bound(pr, now);
  }
}

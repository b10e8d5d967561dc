// The kubelets of the simulated nodes: a bound pod's containers start 1-4 simulated seconds later,
// the main container runs for its modelled time (or as long as an image the simulation really runs
// takes), and the pod ends Succeeded or Failed with its exit code; every step is written to the Pod's
// status as a kubelet reports it. Logs are generated from the step's plan.
import type { TimerHeap } from '../clock';
import type { Placement } from '../placement';
import { isFinished, type PodRun, type PodRuns } from '../pod-runs';
import { hash } from '../rand';
import type { KObject, Store } from '../store';
import { timestamp } from '../time';
import { runResourceStep } from '../argo/resource-step';
import type { Container } from '../argo/types';
import type { PodExecutor } from './exec';
import { readPodLog, type PodLog } from './pod-log';

/** How a pod's main container ended. */
export type PodEnd = { exitCode: number; reason: string; killedMessage?: string; at: number };

/** What the kubelet reports, beyond the Pod's status, to the controller that owns the pod. */
export type KubeletEvents = {
  started(pr: PodRun): void;
  finished(pr: PodRun, end: PodEnd): void;
};

export type KubeletOptions = {
  seed: number;
  speed: number;
  now: () => number;
  log?: (msg: string, fields?: object) => void;
  execute?: PodExecutor;
  /** The Workflow a pod belongs to: a `resource` step creates its children under it. */
  ownerOf: (pr: PodRun) => KObject | undefined;
};

const CONTAINERS = ['wait', 'main'];

export class Kubelet {
  /** resource steps waiting on their object's conditions, by pod key: checked once per tick */
  private readonly resourceWaits = new Map<string, () => void>();

  constructor(
    private readonly store: Store,
    private readonly pods: PodRuns,
    private readonly placement: Placement,
    private readonly timers: TimerHeap,
    private readonly opts: KubeletOptions,
    private readonly events: KubeletEvents,
  ) {}

  tick(): void {
    for (const check of [...this.resourceWaits.values()]) check();
  }

  /** Image pull + container start: 1-4 simulated seconds after binding. */
  scheduleStart(pr: PodRun, from: number): void {
    this.timers.at(from + (1000 + (hash(pr.key) % 3000)) / this.opts.speed, () => this.start(pr));
  }

  private start(pr: PodRun): void {
    if (pr.phase !== 'Pending' || pr.killed || !this.pods.has(pr.key)) return;
    const now = this.opts.now();
    pr.phase = 'Running';
    pr.startedAt = now;
    this.pods.patch(pr, (pod) => {
      const st = pod.status as Record<string, unknown>;
      st.phase = 'Running';
      st.startTime = timestamp(now);
      st.podIP = `10.42.${hash(pr.node ?? '') % 250}.${(hash(pr.key) % 250) + 2}`;
      st.conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: timestamp(now),
      }));
      st.containerStatuses = CONTAINERS.map((name) => ({
        name,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: timestamp(now) } },
      }));
    });
    this.events.started(pr);
    this.runMain(pr);
  }

  /** The main container: ends at startedAt + its modelled time (or when its executed image ends). */
  runMain(pr: PodRun, resumed = false): void {
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
      const step = { store: this.store, owner: this.opts.ownerOf(pr), ns: pr.ns, action: pr.resource, resumed };
      return runResourceStep(
        { ...step, waits: this.resourceWaits, key: pr.key, log },
        () => !pr.killed && pr.phase === 'Running' && this.pods.has(pr.key),
      );
    }
    if (!this.opts.execute) return undefined;
    const main = (
      (this.store.get('pods', pr.ns, pr.name)?.spec as { containers?: Container[] } | undefined)?.containers ?? []
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

  /** The pod ends: with its main container's exit code, or killed (143) with the given message. */
  complete(pr: PodRun, killedMessage?: string): void {
    if (isFinished(pr)) return;
    if (!killedMessage && (pr.killed || pr.phase !== 'Running')) return;
    const now = this.opts.now();
    const exitCode = killedMessage ? 143 : pr.plan.exitCode;
    pr.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
    pr.finishedAt = now;
    this.placement.release(pr.key);
    const reason = exitCode === 137 ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    this.pods.patch(pr, (pod) => {
      const st = pod.status as Record<string, unknown>;
      st.phase = pr.phase;
      st.conditions = [
        {
          type: 'Ready',
          status: 'False',
          reason: 'PodCompleted',
          lastProbeTime: null,
          lastTransitionTime: timestamp(now),
        },
      ];
      st.containerStatuses = CONTAINERS.map((name) => ({
        name,
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          terminated: {
            exitCode: name === 'wait' ? 0 : exitCode,
            reason: name === 'wait' ? 'Completed' : reason,
            startedAt: timestamp(pr.startedAt ?? now),
            finishedAt: timestamp(now),
          },
        },
      }));
      pod.metadata.labels = { ...(pod.metadata.labels ?? {}), 'workflows.argoproj.io/completed': 'true' };
    });
    this.events.finished(pr, { exitCode, reason, killedMessage, at: now });
  }

  /** Stops a pod that has not ended (a workflow stopped or terminated, a node lost): it fails at once. */
  kill(pr: PodRun, message: string): void {
    pr.killed = message;
    if (pr.phase === 'Pending') pr.phase = 'Running';
    pr.startedAt ??= this.opts.now(); // a Running pod has its start already
    this.complete(pr, message);
  }

  /** A pod deleted from under a running container: nothing more of it runs or is reported. */
  forget(pr: PodRun): void {
    pr.killed = 'pod deleted';
    pr.phase = 'Failed';
    this.placement.release(pr.key);
  }

  /** Lines of a container's log available now; `done` once no more will come. */
  readLog(ns: string, name: string, container: string | undefined): PodLog {
    return readPodLog(this.pods.get(`${ns}/${name}`), name, container, {
      now: this.opts.now(),
      speed: this.opts.speed,
      seed: this.opts.seed,
    });
  }
}

// The watch-driven workflow sync: lists Gantry's Workflows once (the checks across the list of the
// list path, syncWorkflows, fail jobs whose Workflow vanished or stalled) to get a resourceVersion,
// queues every listed workflow as if it had just been added, and watches from that version at once;
// each event runs through the same per-workflow code (ADDED/MODIFIED → syncWorkflow, DELETED →
// syncVanishedWorkflow). A watch that ends or drops is resumed from the last resourceVersion seen
// (bookmarks included) without waiting for the queue to empty; 410 Gone means that version was
// compacted away, so it relists and watches again. The watch starts before the listed workflows are
// synced because the API server keeps only a short history: with 100 workflows of 1,000 steps,
// syncing them all first took 20 s, long enough for the list's version to be gone, and the follower
// relisted forever. State (the resourceVersion, the queue, counters) lives here; lib/cluster stays a
// thin client.
// Events of one workflow are handled one at a time, in order, and only the newest waiting one is
// handled: a MODIFIED event carries the whole object, so an event superseded before its turn adds
// nothing (with 100 busy 1,000-step workflows this keeps the follower from falling behind).
// Different workflows are handled concurrently (up to `concurrency`). Each handler is idempotent
// (unchanged snapshots are skipped, phase changes are conditional updates), so a replayed event
// changes nothing.
import {
  listWorkflows,
  watchWorkflows,
  type WatchHandle,
  type Workflow,
  type WorkflowEvent,
} from '@/lib/cluster/workflows';
import { findStepLog, workflowPodNames } from '@/lib/cluster/pods';
import { isGone } from '@/lib/cluster/errors';
import { LABEL_JOB_ID } from '@/lib/domain/terms';
import { sleepUnlessAborted } from '@/lib/sleep';
import type { Ctx } from '../context';
import {
  syncVanishedWorkflow,
  syncWorkflow,
  syncWorkflowPhase,
  syncWorkflows,
  type WorkflowSyncDeps,
} from './sync-workflows';

/** Phase-only updates at the same time (see phaseWaiting). */
const PHASE_CONCURRENCY = 2;

export interface WorkflowFollowerDeps {
  list(): Promise<{ items: Workflow[]; resourceVersion: string }>;
  watch: typeof watchWorkflows;
  readLog: WorkflowSyncDeps['readLog'];
  podNames?: WorkflowSyncDeps['podNames'];
}

export const clusterFollowerDeps: WorkflowFollowerDeps = {
  // every namespace: each team's, and the shared one of jobs from before team namespaces
  list: () => listWorkflows(LABEL_JOB_ID, { allNamespaces: true }),
  watch: watchWorkflows,
  readLog: (podName, opts) => findStepLog(podName, opts),
  podNames: workflowPodNames,
};

export interface WorkflowFollowerOptions {
  /** Server-side watch timeout: the watch ends normally this often and is resumed (default 300). */
  watchTimeoutSeconds?: number;
  /** Wait after a failed list or a dropped connection, doubled per failure up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Workflows synced at the same time (default 4); events of one workflow never overlap. */
  concurrency?: number;
}

export interface WorkflowFollowerStats {
  relists: number;
  watches: number;
  events: number;
  /** Events dropped unhandled because a newer one of the same workflow arrived first. */
  superseded: number;
  gone: number;
  errors: number;
  phaseChanges: number;
  resourceVersion: string | undefined;
}

type WatchOutcome = 'end' | 'gone' | 'error' | 'aborted';

export class WorkflowFollower {
  readonly stats: WorkflowFollowerStats = {
    relists: 0,
    watches: 0,
    events: 0,
    superseded: 0,
    gone: 0,
    errors: 0,
    phaseChanges: 0,
    resourceVersion: undefined,
  };
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;
  /** Newest unhandled event per workflow, in the order the workflows first got one waiting. */
  private readonly waiting = new Map<string, WorkflowEvent>();
  /**
   * Workflows whose waiting event is new or changes the phase: they go first. In a burst (a hundred
   * workflows created at once, each sending a stream of step updates) the job events users and the
   * scheduler wait for (Running, Succeeded, Failed) would otherwise queue behind snapshot writes.
   */
  private readonly urgent = new Set<string>();
  private readonly phases = new Map<string, string | undefined>();
  private readonly inFlight = new Set<string>();
  /**
   * Phase changes also go through a lane of their own that only moves the job on (one small
   * conditional update): in a burst every worker slot can be busy with first snapshots and step
   * logs of other workflows for seconds, and users and the scheduler wait for Running, Succeeded
   * and Failed, not for snapshots. The full handling still follows in the queue above.
   */
  private readonly phaseWaiting = new Map<string, WorkflowEvent>();
  private readonly phaseInFlight = new Set<string>();
  private idle: Array<() => void> = [];
  /** A watch connection is open (for caughtUp: between a drop and the resumed watch, changes may wait). */
  private watching = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly opts: WorkflowFollowerOptions = {},
    private readonly deps: WorkflowFollowerDeps = clusterFollowerDeps,
  ) {}

  /** Starts following (once); the promise resolves after stop() or when `signal` aborts. */
  start(signal?: AbortSignal): Promise<void> {
    if (signal) {
      if (signal.aborted) this.controller.abort();
      else signal.addEventListener('abort', () => this.controller.abort(), { once: true });
    }
    this.running ??= this.run();
    return this.running;
  }

  /** Aborts the watch, waits for the event in hand to finish; nothing runs afterwards. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  /** Every change the cluster sent has been handled and the watch is open: nothing waits to be synced. */
  caughtUp(): boolean {
    return this.watching && this.isIdle();
  }

  private get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  private async run(): Promise<void> {
    const log = this.ctx.log;
    let rv: string | undefined;
    let failures = 0;
    while (!this.aborted) {
      try {
        if (rv === undefined) {
          rv = await this.relist();
          if (this.aborted) break;
        }
        const outcome = await this.watchFrom(rv);
        rv = this.stats.resourceVersion ?? rv;
        if (outcome === 'aborted') break;
        if (outcome === 'gone') {
          this.stats.gone++;
          log.info({ resourceVersion: rv }, 'workflow watch: resourceVersion expired (410 Gone); relisting');
          rv = undefined;
          failures = 0;
          continue;
        }
        if (outcome === 'end') {
          log.debug({ resourceVersion: rv }, 'workflow watch ended normally; resuming');
          failures = 0;
          continue;
        }
        failures++;
      } catch (err) {
        if (isGone(err)) {
          this.stats.gone++;
          rv = undefined;
          continue;
        }
        failures++;
        this.stats.errors++;
        log.warn({ err, failures }, 'workflow follower: list or watch failed; retrying');
      }
      await sleepUnlessAborted(
        Math.min((this.opts.retryMs ?? 1_000) * 2 ** Math.min(failures - 1, 8), this.opts.maxRetryMs ?? 30_000),
        this.controller.signal,
      );
    }
  }

  /**
   * The list path's checks across the list (so jobs whose Workflow vanished while we were not
   * watching fail too), then every listed workflow queued like an event: it takes the place of any
   * older event of the same workflow still waiting, and newer watch events take its place.
   */
  private async relist(): Promise<string> {
    let version = '';
    let items: Workflow[] = [];
    const result = await syncWorkflows(
      { ctx: this.ctx, each: false },
      {
        workflows: async () => {
          const listed = await this.deps.list();
          version = listed.resourceVersion;
          items = listed.items;
          return listed.items;
        },
        readLog: this.deps.readLog,
        podNames: this.deps.podNames,
      },
    );
    this.stats.relists++;
    this.stats.phaseChanges += result.phaseChanges;
    for (const object of items) this.enqueue({ type: 'ADDED', object, resourceVersion: version });
    this.stats.resourceVersion = version;
    return version;
  }

  /** One watch connection; resolves when it ends, fails, or the follower is stopped. */
  private async watchFrom(resourceVersion: string): Promise<WatchOutcome> {
    let settle!: (o: WatchOutcome) => void;
    const outcome = new Promise<WatchOutcome>((resolve) => (settle = resolve));
    const onAbort = () => settle('aborted');
    this.controller.signal.addEventListener('abort', onAbort, { once: true });
    let handle: WatchHandle | undefined;
    try {
      handle = await this.deps.watch({
        labelSelector: LABEL_JOB_ID,
        allNamespaces: true,
        resourceVersion,
        timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300,
        onEvent: (e) => this.enqueue(e),
        onError: (err) => {
          if (err.kind !== 'Gone') {
            this.stats.errors++;
            this.ctx.log.warn({ err }, 'workflow watch dropped; resuming');
          }
          settle(err.kind === 'Gone' ? 'gone' : 'error');
        },
        onEnd: () => settle('end'),
      });
      this.stats.watches++;
      this.watching = true;
      if (this.aborted) handle.abort();
      const result = await outcome;
      handle.abort();
      // Events still queued are handled while the next watch runs; a stop waits for them to settle.
      if (result === 'aborted') await this.drained();
      return result;
    } finally {
      this.watching = false;
      this.controller.signal.removeEventListener('abort', onAbort);
    }
  }

  private enqueue(e: WorkflowEvent): void {
    // Resuming from the newest version received is safe: what was received and not yet handled
    // stays queued across watches (and across a relist, which only replaces it with newer objects);
    // bookmarks only move it on.
    if (e.resourceVersion) this.stats.resourceVersion = e.resourceVersion;
    const name = e.object.metadata?.name;
    if (e.type === 'BOOKMARK' || !name) return;
    // A newer event takes the older one's place in line, so a busy workflow is not pushed back.
    if (this.waiting.has(name)) this.stats.superseded++;
    this.waiting.set(name, e);
    const phase = e.object.status?.phase;
    if (e.type !== 'MODIFIED' || this.phases.get(name) !== phase) {
      this.urgent.add(name);
      if (e.type !== 'DELETED' && phase) this.phaseWaiting.set(name, e);
    }
    if (e.type === 'DELETED') this.phases.delete(name);
    else this.phases.set(name, phase);
    this.pump();
  }

  private pump(): void {
    for (const [name, e] of this.phaseWaiting) {
      if (this.phaseInFlight.size >= PHASE_CONCURRENCY) break;
      if (this.phaseInFlight.has(name)) continue;
      this.phaseWaiting.delete(name);
      this.phaseInFlight.add(name);
      void this.handlePhase(e).finally(() => {
        this.phaseInFlight.delete(name);
        this.pump();
      });
    }
    const limit = this.opts.concurrency ?? 4;
    for (const lane of [this.urgent, this.waiting.keys()]) {
      for (const name of lane) {
        if (this.inFlight.size >= limit) break;
        const e = this.waiting.get(name);
        if (!e || this.inFlight.has(name)) continue;
        this.waiting.delete(name);
        this.urgent.delete(name);
        this.inFlight.add(name);
        void this.handle(e).finally(() => {
          this.inFlight.delete(name);
          this.pump();
        });
      }
    }
    if (this.isIdle()) {
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
    }
  }

  private isIdle(): boolean {
    return (
      this.inFlight.size === 0 &&
      this.waiting.size === 0 &&
      this.phaseInFlight.size === 0 &&
      this.phaseWaiting.size === 0
    );
  }

  /** Resolves once no event is waiting or being handled. */
  private drained(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async handlePhase(e: WorkflowEvent): Promise<void> {
    if (this.aborted) return;
    try {
      if ((await syncWorkflowPhase({ ctx: this.ctx }, e.object))?.moved) this.stats.phaseChanges++;
    } catch (err) {
      // The full handling of the same event (queued above) tries again.
      this.ctx.log.warn({ err, workflow: e.object.metadata?.name }, 'workflow phase not synced');
    }
  }

  private async handle(e: WorkflowEvent): Promise<void> {
    if (this.aborted) return;
    try {
      if (e.type === 'ADDED' || e.type === 'MODIFIED') {
        this.stats.phaseChanges += (await syncWorkflow({ ctx: this.ctx }, e.object, this.deps)).phaseChanges;
      } else if (e.type === 'DELETED') {
        this.stats.phaseChanges += await syncVanishedWorkflow({ ctx: this.ctx }, e.object);
      }
      this.stats.events++;
    } catch (err) {
      // The reconcile pass (the periodic list) repairs what one failed event left behind.
      this.stats.errors++;
      this.ctx.log.warn({ err, type: e.type, workflow: e.object.metadata?.name }, 'workflow event not synced');
    }
  }
}

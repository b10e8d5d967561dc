// Snapshots of the simulated cluster (lib/sim/state-file.ts is their format). A snapshot is taken
// synchronously in one go (the objects' JSON strings are shared, not copied, so it is consistent at
// one resourceVersion) and written asynchronously, a chunk at a time. Snapshots run on a timer when
// something changed, soon after a Workflow is created or deleted, on demand, and at stop.
import { stateChunks, writeState, writeStateSync, type SimState, type SimStateFile } from './state-file';

type Log = (msg: string, fields?: object) => void;

/** CPU time of this process (user + system) in ms: on a busy machine wall time would count other processes. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Chunks, counting the CPU milliseconds spent making them (serialisation, apart from the I/O). */
function* timed(chunks: Iterable<string>, spent: { ms: number }): Generator<string> {
  const it = chunks[Symbol.iterator]();
  for (;;) {
    const t = cpuMs();
    const next = it.next();
    spent.ms += cpuMs() - t;
    if (next.done) return;
    yield next.value;
  }
}

export type PersistStats = {
  snapshots: number;
  failures: number;
  /** CPU ms of the synchronous part: flushing the controller and taking the state (blocks the event loop). */
  lastCaptureMs: number;
  /** CPU ms of serialising it, a chunk at a time between writes. */
  lastSerializeMs: number;
  /** From capture to rename, I/O included (asynchronous). */
  lastWriteMs: number;
  lastBytes: number;
  lastResourceVersion: number;
  /** The wait before the next timed snapshot: at least intervalMs, at least 10 x the last one's CPU. */
  gapMs: number;
};

/**
 * Takes snapshots: every `intervalMs` when the resourceVersion moved, within `soonMs` after
 * `soon()` (a Workflow created or deleted: losing one to a crash would fail its job as
 * WORKFLOW_MISSING), on `save()`, and a clean one at `stop()`. One write at a time.
 */
export class Persister {
  readonly stats: PersistStats = {
    snapshots: 0,
    failures: 0,
    lastCaptureMs: 0,
    lastSerializeMs: 0,
    lastWriteMs: 0,
    lastBytes: 0,
    lastResourceVersion: -1,
    gapMs: 0,
  };
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private lastAt = 0;
  private urgent = false;
  private stopped = false;

  constructor(
    private readonly opts: {
      target: SimStateFile;
      /** The state now; called synchronously, so it must be consistent at one instant. */
      capture: (clean: boolean) => SimState;
      resourceVersion: () => number;
      intervalMs: number;
      soonMs: number;
      log: Log;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.check(), Math.min(this.opts.intervalMs, this.opts.soonMs));
    this.timer.unref();
  }

  /** Asks for a snapshot within soonMs. */
  soon(): void {
    this.urgent = true;
  }

  private check(): void {
    if (this.writing || this.stopped || this.opts.resourceVersion() === this.stats.lastResourceVersion) return;
    // A big state costs CPU to save: timed snapshots keep to ~10 % of a core, urgent ones to ~20 %.
    const cost = this.stats.lastCaptureMs + this.stats.lastSerializeMs;
    const since = Date.now() - this.lastAt;
    this.stats.gapMs = Math.max(this.opts.intervalMs, 10 * cost);
    if (since >= this.stats.gapMs || (this.urgent && since >= Math.max(this.opts.soonMs, 5 * cost))) void this.save();
  }

  /** A snapshot now (after the one being written, if any). */
  async save(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.stopped) return;
    this.urgent = false;
    this.lastAt = Date.now();
    const t0 = cpuMs();
    const state = this.opts.capture(false);
    const captureMs = cpuMs() - t0;
    const t1 = performance.now();
    const serialize = { ms: 0 };
    this.writing = writeState(this.opts.target, timed(stateChunks(state), serialize)).then(
      (bytes) => this.done(state, captureMs, serialize.ms, performance.now() - t1, bytes),
      (e: unknown) => {
        this.stats.failures++;
        this.opts.log('sim: snapshot failed; the previous one is kept', {
          file: this.opts.target.file,
          error: String(e),
        });
      },
    );
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** The last snapshot, marked clean, written before returning; no more afterwards. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.writing) await this.writing;
    this.stopped = true;
    const t0 = cpuMs();
    const state = this.opts.capture(true);
    const captureMs = cpuMs() - t0;
    const t1 = performance.now();
    const serialize = { ms: 0 };
    try {
      const bytes = writeStateSync(this.opts.target, timed(stateChunks(state), serialize));
      this.done(state, captureMs, serialize.ms, performance.now() - t1, bytes);
    } catch (e) {
      this.stats.failures++;
      this.opts.log('sim: last snapshot failed; the previous one is kept', {
        file: this.opts.target.file,
        error: String(e),
      });
    }
  }

  private done(state: SimState, captureMs: number, serializeMs: number, writeMs: number, bytes: number): void {
    this.stats.snapshots++;
    this.stats.lastCaptureMs = captureMs;
    this.stats.lastSerializeMs = serializeMs;
    this.stats.lastWriteMs = writeMs;
    this.stats.lastBytes = bytes;
    this.stats.lastResourceVersion = state.store.resourceVersion;
  }
}

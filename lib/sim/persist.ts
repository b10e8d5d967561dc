// Persistence of the simulated cluster (what etcd and the kubelets' own state are to a real one):
// every stored object, the resourceVersion and uid counters, and the controller's pod runs (plans,
// times, GPU slots, from which logs are generated again) go to `<dataDir>/sim/state.ndjson`.
// A snapshot is taken synchronously in one go (the objects' JSON strings are shared, not copied,
// so it is consistent at one resourceVersion) and written asynchronously to a temp file that is
// fsynced and renamed over the old one: a kill -9 or a power cut leaves the previous snapshot or
// the new one, never half of either. Snapshots run on a timer when something changed, soon after a
// Workflow is created or deleted, on demand, and at stop.
import fs from 'node:fs';
import path from 'node:path';
import type { ControllerState } from './argo/controller';
import type { KObject, StoreState } from './store';

const STATE_FORMAT = 'gantry-sim-state';
const STATE_VERSION = 1;
/**
 * After a crash (no clean stop) the counters jump by this much: versions and uids handed out after
 * the last snapshot were lost with it, and clients may hold them. With the jump every such version
 * is older than the first one served after the restart, so a watch from it gets 410 Gone and its
 * client relists instead of missing events; no new object can reuse a lost object's uid.
 */
const CRASH_COUNTER_GAP = 1_000_000;

export type SimState = { savedAt: string; clean: boolean; store: StoreState; controller: ControllerState };
export type SimStateFile = { dir: string; file: string };

type Header = {
  format: string;
  version: number;
  savedAt: string;
  clean: boolean;
  resourceVersion: number;
  uidCounter: number;
};
type Log = (msg: string, fields?: object) => void;

export function stateFile(dataDir: string): SimStateFile {
  const dir = path.join(dataDir, 'sim');
  return { dir, file: path.join(dir, 'state.ndjson') };
}

/** One line per object and pod run, then an end line with the count: a cut file never loads. */
function* stateLines(state: SimState): Generator<string> {
  const header: Header = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: state.savedAt,
    clean: state.clean,
    resourceVersion: state.store.resourceVersion,
    uidCounter: state.store.uidCounter,
  };
  yield `${JSON.stringify(header)}\n`;
  let n = 0;
  for (const [resource, object] of state.store.objects) {
    n++;
    yield `{"resource":${JSON.stringify(resource)},"object":${typeof object === 'string' ? object : JSON.stringify(object)}}\n`;
  }
  for (const pod of state.controller.pods) {
    n++;
    yield `{"pod":${JSON.stringify(pod)}}\n`;
  }
  for (const run of state.controller.runs) {
    n++;
    yield `{"run":${JSON.stringify(run)}}\n`;
  }
  yield `{"end":${n}}\n`;
}

/**
 * The snapshot as chunks of about 1 MB (lines joined: one write per line would cost a syscall
 * each), made one at a time as the writer asks, so serialising a big state never blocks the event
 * loop in one go. Objects are immutable JSON strings and pod runs shallow copies, so chunks made
 * later still describe the captured instant.
 */
export function* stateChunks(state: SimState, chunkBytes = 1 << 20): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const line of stateLines(state)) {
    parts.push(line);
    size += line.length;
    if (size >= chunkBytes) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield parts.join('');
}

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

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some file systems refuse fsync on a directory; the rename itself is still atomic
  }
}

/** Writes chunks to `<file>.tmp`, fsyncs, renames over `file`. Returns the bytes written. */
async function writeState(target: SimStateFile, chunks: Iterable<string>): Promise<number> {
  fs.mkdirSync(target.dir, { recursive: true, mode: 0o700 });
  const tmp = `${target.file}.tmp`;
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    for (const c of chunks) bytes += (await fh.write(c)).bytesWritten;
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, target.file);
  fsyncDir(target.dir);
  return bytes;
}

/** The same, blocking: for the last snapshot at stop, when the event loop is about to end. */
function writeStateSync(target: SimStateFile, chunks: Iterable<string>): number {
  fs.mkdirSync(target.dir, { recursive: true, mode: 0o700 });
  const tmp = `${target.file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    for (const c of chunks) bytes += fs.writeSync(fd, c);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target.file);
  fsyncDir(target.dir);
  return bytes;
}

export class StateError extends Error {}

/** Parses a snapshot; throws StateError when it is not one this version wrote in full. */
export function parseState(text: string): SimState {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const parse = (line: string, at: number): Record<string, unknown> => {
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // reported below with the line number
    }
    throw new StateError(`line ${at + 1} is not a JSON object`);
  };
  const header = parse(lines[0] ?? '', 0) as Partial<Header>;
  if (header.format !== STATE_FORMAT) throw new StateError('not a simulated-cluster state file');
  if (header.version !== STATE_VERSION)
    throw new StateError(`state version ${header.version}, this version reads ${STATE_VERSION}`);
  if (!Number.isSafeInteger(header.resourceVersion) || !Number.isSafeInteger(header.uidCounter))
    throw new StateError('the header has no counters');
  const state: SimState = {
    savedAt: String(header.savedAt),
    clean: header.clean === true,
    store: { resourceVersion: header.resourceVersion!, uidCounter: header.uidCounter!, objects: [] },
    controller: { pods: [], runs: [] },
  };
  let ended = false;
  for (let i = 1; i < lines.length; i++) {
    if (ended) throw new StateError(`line ${i + 1} follows the end line`);
    const v = parse(lines[i], i);
    if (typeof v.resource === 'string' && v.object && typeof v.object === 'object')
      state.store.objects.push([v.resource, v.object as KObject]);
    else if (v.pod && typeof v.pod === 'object') state.controller.pods.push(v.pod as ControllerState['pods'][number]);
    else if (v.run && typeof v.run === 'object') state.controller.runs.push(v.run as ControllerState['runs'][number]);
    else if (typeof v.end === 'number') {
      if (v.end !== i - 1) throw new StateError(`the end line counts ${v.end} records, the file has ${i - 1}`);
      ended = true;
    } else throw new StateError(`line ${i + 1} is no record`);
  }
  if (!ended) throw new StateError('the file ends before its end line (cut short)');
  return state;
}

/**
 * Reads the saved state, if any. An unreadable or corrupt file is logged, kept aside as
 * `state.ndjson.corrupt-<time>` for a person to look at, and the cluster starts empty: losing the
 * simulated cluster's state must not keep Gantry from starting.
 */
export function loadState(target: SimStateFile, log: Log): SimState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(target.file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return setAside(target, `cannot be read: ${(e as Error).message}`, log);
  }
  try {
    const state = parseState(text);
    if (!state.clean) {
      // see CRASH_COUNTER_GAP
      state.store.resourceVersion += CRASH_COUNTER_GAP;
      state.store.uidCounter += CRASH_COUNTER_GAP;
    }
    return state;
  } catch (e) {
    return setAside(target, (e as Error).message, log);
  }
}

function setAside(target: SimStateFile, why: string, log: Log): undefined {
  const aside = `${target.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(target.file, aside);
  } catch {
    // unreadable and unmovable: it is overwritten by the next snapshot
  }
  log('sim: saved state is unusable; starting with an empty cluster', { file: target.file, keptAs: aside, error: why });
  console.error(
    `[gantry] simulated cluster: saved state ${target.file} is unusable (${why}); kept as ${aside}, starting empty`,
  );
  return undefined;
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

// The simulated cluster's state file, `<dataDir>/sim/state.ndjson` (what etcd and the kubelets' own
// state are to a real cluster): every stored object, the resourceVersion and uid counters, and the
// controller's pod runs, one record a line. A file is written to a temp file that is fsynced and
// renamed over the old one: a kill -9 or a power cut leaves the previous snapshot or the new one,
// never half of either; a file that is not one this version wrote in full is set aside on load.
import fs from 'node:fs';
import path from 'node:path';
import type { ControllerState } from './control-loop';
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
export async function writeState(target: SimStateFile, chunks: Iterable<string>): Promise<number> {
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
export function writeStateSync(target: SimStateFile, chunks: Iterable<string>): number {
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

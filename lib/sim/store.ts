// An in-memory object store with the versioning rules of the Kubernetes API server (backed by etcd):
// one cluster-wide, increasing resourceVersion; every write is an event; a watch may resume from any
// resourceVersion still in the event history and gets 410 Gone for one that was compacted away.
import { matchesFields, matchesLabels, type FieldRequirement, type Requirement } from './selectors';
import { stableUuid } from './rand';
import { timestamp } from './time';

export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generateName?: string;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

type Entry = { obj: KObject; json: string };
/** History entries keep only what selectors read (full objects would pin every old version in memory). */
type LogEvent = {
  type: EventType;
  rv: number;
  resource: string;
  obj: KObject;
  prev?: KObject;
  json: string;
  live?: KObject;
};

/** The fields label and field selectors may use (as the API server supports for these kinds). */
function slim(o: KObject): KObject {
  const spec = o.spec as { nodeName?: string } | undefined;
  const status = o.status as { phase?: string } | undefined;
  return {
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, labels: o.metadata.labels },
    ...(spec?.nodeName !== undefined ? { spec: { nodeName: spec.nodeName } } : {}),
    ...(status?.phase !== undefined ? { status: { phase: status.phase } } : {}),
  };
}

export type WatchFilter = { namespace?: string; labels: Requirement[]; fields: FieldRequirement[] };
export type WatchSink = (type: EventType, json: string, obj: KObject) => void;

export class StoreError extends Error {
  constructor(
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone',
    message: string,
  ) {
    super(message);
  }
}

/**
 * What persistence keeps of the store (lib/sim/persist.ts): every object as the JSON it is served
 * as, the resourceVersion counter and the uid counter. The event history is not kept: after a
 * restart every older resourceVersion is compacted (410 Gone), as after an etcd compaction.
 */
export type StoreState = {
  resourceVersion: number;
  uidCounter: number;
  objects: Array<[resource: string, object: string | KObject]>;
};

export type StoreOptions = { seed: number; maxEvents?: number; maxEventBytes?: number; now?: () => number };

const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

export class Store {
  private rv = 1000;
  private readonly maps = new Map<string, Map<string, Entry>>();
  private log: LogEvent[] = [];
  private logStart = 0;
  private logBytes = 0;
  /** Events up to and including this resourceVersion are no longer in the history. */
  private compactedRv = 1000;
  private readonly watchers = new Set<{ resource: string; filter: WatchFilter; sink: WatchSink }>();
  private readonly listeners: Array<(type: EventType, resource: string, obj: KObject) => void> = [];
  private uidCounter = 0;
  private readonly maxEvents: number;
  private readonly maxEventBytes: number;
  readonly now: () => number;

  constructor(private readonly opts: StoreOptions) {
    this.maxEvents = opts.maxEvents ?? 50_000;
    this.maxEventBytes = opts.maxEventBytes ?? 48 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  get resourceVersion(): string {
    return String(this.rv);
  }
  get oldestResourceVersion(): number {
    return this.compactedRv;
  }

  private map(resource: string): Map<string, Entry> {
    let m = this.maps.get(resource);
    if (!m) this.maps.set(resource, (m = new Map()));
    return m;
  }

  /** Internal subscribers (the simulated controllers); called synchronously after each write. */
  onChange(fn: (type: EventType, resource: string, obj: KObject) => void): void {
    this.listeners.push(fn);
  }

  get(resource: string, ns: string | undefined, name: string): KObject | undefined {
    return this.map(resource).get(key(ns, name))?.obj;
  }
  getJson(resource: string, ns: string | undefined, name: string): string | undefined {
    return this.map(resource).get(key(ns, name))?.json;
  }
  /** A private copy the caller may change and write back. */
  getCopy(resource: string, ns: string | undefined, name: string): KObject | undefined {
    const json = this.getJson(resource, ns, name);
    return json === undefined ? undefined : (JSON.parse(json) as KObject);
  }

  list(resource: string, filter: WatchFilter): { items: KObject[]; json: string[]; resourceVersion: string } {
    const items: KObject[] = [];
    const json: string[] = [];
    for (const e of this.map(resource).values()) {
      if (this.matches(e.obj, filter)) {
        items.push(e.obj);
        json.push(e.json);
      }
    }
    return { items, json, resourceVersion: String(this.rv) };
  }

  count(resource: string): number {
    return this.map(resource).size;
  }

  create(resource: string, obj: KObject): KObject {
    const m = this.map(resource);
    const k = key(obj.metadata.namespace, obj.metadata.name);
    if (m.has(k)) throw new StoreError('AlreadyExists', `"${obj.metadata.name}" already exists`);
    obj.metadata.uid ??= stableUuid(this.opts.seed, `uid:${resource}:${k}:${this.uidCounter++}`);
    obj.metadata.creationTimestamp ??= timestamp(this.now());
    obj.metadata.generation ??= 1;
    return this.write('ADDED', resource, obj, undefined);
  }

  /** Replaces an object; with expectRv set, a stale resourceVersion is a Conflict (optimistic lock). */
  update(resource: string, obj: KObject, expectRv?: string): KObject {
    const m = this.map(resource);
    const k = key(obj.metadata.namespace, obj.metadata.name);
    const cur = m.get(k);
    if (!cur) throw new StoreError('NotFound', `"${obj.metadata.name}" not found`);
    if (expectRv && expectRv !== cur.obj.metadata.resourceVersion) {
      throw new StoreError(
        'Conflict',
        `"${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    obj.metadata.uid = cur.obj.metadata.uid;
    obj.metadata.creationTimestamp = cur.obj.metadata.creationTimestamp;
    if (JSON.stringify(obj.spec) !== JSON.stringify(cur.obj.spec))
      obj.metadata.generation = (cur.obj.metadata.generation ?? 1) + 1;
    else obj.metadata.generation = cur.obj.metadata.generation;
    return this.write('MODIFIED', resource, obj, cur.obj);
  }

  delete(resource: string, ns: string | undefined, name: string): KObject {
    const m = this.map(resource);
    const cur = m.get(key(ns, name));
    if (!cur) throw new StoreError('NotFound', `"${name}" not found`);
    const obj = JSON.parse(cur.json) as KObject;
    return this.write('DELETED', resource, obj, cur.obj);
  }

  private write(type: EventType, resource: string, obj: KObject, prev: KObject | undefined): KObject {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    const json = JSON.stringify(obj);
    const m = this.map(resource);
    const k = key(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') m.delete(k);
    else m.set(k, { obj, json });
    const ev: LogEvent = { type, rv: this.rv, resource, obj: slim(obj), prev: prev && slim(prev), json };
    this.append(ev);
    ev.live = obj;
    for (const w of this.watchers) if (w.resource === resource) this.deliver(w.filter, w.sink, ev);
    ev.live = undefined;
    for (const l of this.listeners) l(type, resource, obj);
    return obj;
  }

  private append(ev: LogEvent): void {
    this.log.push(ev);
    this.logBytes += ev.json.length;
    while (
      this.log.length - this.logStart > this.maxEvents ||
      (this.logBytes > this.maxEventBytes && this.log.length - this.logStart > 1)
    ) {
      const old = this.log[this.logStart];
      this.logBytes -= old.json.length;
      this.compactedRv = old.rv;
      this.log[this.logStart] = undefined as unknown as LogEvent;
      this.logStart++;
    }
    if (this.logStart > 4096 && this.logStart > this.log.length / 2) {
      this.log = this.log.slice(this.logStart);
      this.logStart = 0;
    }
  }

  private matches(obj: KObject, f: WatchFilter): boolean {
    if (f.namespace && obj.metadata.namespace !== f.namespace) return false;
    return matchesLabels(f.labels, obj.metadata.labels) && matchesFields(f.fields, obj);
  }

  /** A watcher sees an object leave or enter its selection as DELETED/ADDED, as the API server does. */
  private deliver(filter: WatchFilter, sink: WatchSink, ev: LogEvent): void {
    const now = this.matches(ev.obj, filter);
    const before = ev.prev ? this.matches(ev.prev, filter) : false;
    const full = () => ev.live ?? (JSON.parse(ev.json) as KObject);
    if (ev.type === 'MODIFIED') {
      if (now && before) sink('MODIFIED', ev.json, full());
      else if (now) sink('ADDED', ev.json, full());
      else if (before) sink('DELETED', ev.json, full());
    } else if (now || (ev.type === 'DELETED' && before)) {
      sink(ev.type, ev.json, full());
    }
  }

  /**
   * Starts a watch. Without a resourceVersion (or "0") the current objects come first as ADDED; with
   * one, every later event in the history is replayed. Throws Gone when that history was compacted.
   */
  watch(resource: string, filter: WatchFilter, fromRv: string | undefined, sink: WatchSink): () => void {
    if (fromRv && fromRv !== '0') {
      const from = Number(fromRv);
      if (!Number.isInteger(from)) throw new StoreError('Gone', `invalid resource version: ${fromRv}`);
      if (from < this.compactedRv)
        throw new StoreError('Gone', `too old resource version: ${from} (${this.compactedRv + 1})`);
      for (let i = this.logStart; i < this.log.length; i++) {
        const ev = this.log[i];
        if (ev.rv > from && ev.resource === resource) this.deliver(filter, sink, ev);
      }
    } else {
      for (const e of this.map(resource).values()) if (this.matches(e.obj, filter)) sink('ADDED', e.json, e.obj);
    }
    const w = { resource, filter, sink };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  /**
   * The objects and counters at this instant. Cheap: the JSON strings are shared, not copied (they
   * are immutable), so a caller may write them out asynchronously while the store moves on.
   */
  captureState(): StoreState {
    const objects: StoreState['objects'] = [];
    for (const [resource, m] of this.maps) for (const e of m.values()) objects.push([resource, e.json]);
    return { resourceVersion: this.rv, uidCounter: this.uidCounter, objects };
  }

  /**
   * Loads saved objects into an empty store, without events (nobody watches yet). Every earlier
   * resourceVersion counts as compacted, so a client resuming a watch gets 410 Gone and relists.
   */
  restoreState(state: StoreState): void {
    if (this.rv !== 1000 || this.maps.size) throw new Error('restoreState needs an empty store');
    for (const [resource, saved] of state.objects) {
      const obj = typeof saved === 'string' ? (JSON.parse(saved) as KObject) : saved;
      this.map(resource).set(key(obj.metadata.namespace, obj.metadata.name), {
        obj,
        json: typeof saved === 'string' ? saved : JSON.stringify(obj),
      });
    }
    this.rv = Math.max(this.rv, state.resourceVersion);
    this.uidCounter = Math.max(this.uidCounter, state.uidCounter);
    this.compact();
  }

  /** Drops the whole event history, as an etcd compaction would (for tests of 410 Gone). */
  compact(): void {
    this.compactedRv = this.rv;
    this.log = [];
    this.logStart = 0;
    this.logBytes = 0;
  }
}

// What the API server's handlers share: the store and admission behind them, the streams they keep
// open, and how a request's selectors and object JSON are read.
import type { Admission } from '../admission';
import type { PodLog } from '../kubelet/pod-log';
import { parseFieldSelector, parseLabelSelector, SelectorError } from '../selectors';
import { StoreError, type Store, type WatchFilter } from '../store';
import { alreadyExists, badRequest, conflict, notFound } from './errors';
import type { Req } from './http';
import { apiVersionOf, type ResourceDef } from './resources';

/** What a resource URL names: the resource, its namespace, and the object when it names one. */
export type Target = { def: ResourceDef; ns?: string; name?: string };
export type ObjectTarget = Target & { name: string };

export type ApiServerContext = {
  store: Store;
  admission: Admission;
  /** For generateName suffixes: the same seed and requests give the same names. */
  seed: number;
  now: () => number;
  /** Milliseconds between watch BOOKMARK events for clients that allow them. */
  bookmarkMs: number;
  /** Closers of the open watches, all called at stop. */
  watches: Set<() => void>;
  /** Followed logs, polled once per tick of the simulation. */
  followers: Set<() => void>;
  /** The kubelet's container logs. */
  readLog: (ns: string, name: string, container: string | undefined) => PodLog;
};

/** The label and field selectors of a list, watch or deletecollection. */
export function selectorsOf(q: URLSearchParams): Omit<WatchFilter, 'namespace'> {
  try {
    return { labels: parseLabelSelector(q.get('labelSelector')), fields: parseFieldSelector(q.get('fieldSelector')) };
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(`unable to parse requirement: ${e.message}`);
    throw e;
  }
}

export const wantsTable = (req: Req) => (req.headers.accept ?? '').includes('as=Table');

export const isWatch = (q: URLSearchParams) => q.get('watch') === 'true' || q.get('watch') === '1';

/** Objects are stored with apiVersion/kind; older writers may have left them out. */
export function withKind(json: string, def: ResourceDef): string {
  return json.startsWith('{"apiVersion"')
    ? json
    : `{"apiVersion":"${apiVersionOf(def)}","kind":"${def.kind}",${json.slice(1)}`;
}

/** Runs a store call, its errors turned into the API server's. */
export function storeCall<T>(def: ResourceDef, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StoreError) {
      if (e.reason === 'NotFound') throw notFound(def, name);
      if (e.reason === 'AlreadyExists') throw alreadyExists(def, name);
      if (e.reason === 'Conflict') throw conflict(def, name);
    }
    throw e;
  }
}

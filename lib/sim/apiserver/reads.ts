// GET of a resource: one object, a list, or a watch (`?watch=true`, resumed from a resourceVersion,
// with BOOKMARKs and timeoutSeconds), as JSON or as the server-side Table kubectl prints.
import { StoreError, type KObject, type WatchFilter } from '../store';
import {
  isWatch,
  selectorsOf,
  wantsTable,
  withKind,
  type ApiServerContext,
  type ObjectTarget,
  type Target,
} from './context';
import { ApiError, notFound } from './errors';
import { send, streamHeaders, type Req, type Res } from './http';
import { apiVersionOf, type ResourceDef } from './resources';
import { toTable } from './tables';

export function handleGet(ctx: ApiServerContext, req: Req, res: Res, { def, ns, name }: ObjectTarget): void {
  if (wantsTable(req)) {
    const o = ctx.store.get(def.resource, ns, name);
    if (!o) throw notFound(def, name);
    const includeObject = req.url.searchParams.get('includeObject') ?? 'Metadata';
    return send(res, 200, toTable(def, [o], o.metadata.resourceVersion ?? '', ctx.now(), includeObject));
  }
  const json = ctx.store.getJson(def.resource, ns, name);
  if (json === undefined) throw notFound(def, name);
  send(res, 200, withKind(json, def));
}

export function handleList(ctx: ApiServerContext, req: Req, res: Res, { def, ns }: Target): void {
  const q = req.url.searchParams;
  const filter = { namespace: ns, ...selectorsOf(q) };
  if (isWatch(q)) return handleWatch(ctx, req, res, def, filter);
  const list = ctx.store.list(def.resource, filter);
  if (wantsTable(req))
    return send(
      res,
      200,
      toTable(def, list.items, list.resourceVersion, ctx.now(), q.get('includeObject') ?? 'Metadata'),
    );
  const body = `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":{"resourceVersion":"${list.resourceVersion}"},"items":[${list.json.map((j) => withKind(j, def)).join(',')}]}`;
  send(res, 200, body);
}

function handleWatch(ctx: ApiServerContext, req: Req, res: Res, def: ResourceDef, filter: WatchFilter): void {
  const q = req.url.searchParams;
  const table = wantsTable(req);
  const includeObject = q.get('includeObject') ?? 'Metadata';
  res.writeHead(200, streamHeaders('application/json'));
  res.flushHeaders();
  const write = (type: string, json: string, obj: KObject) => {
    const object = table
      ? JSON.stringify(toTable(def, [obj], obj.metadata.resourceVersion ?? '', ctx.now(), includeObject))
      : withKind(json, def);
    res.write(`{"type":"${type}","object":${object}}\n`);
  };
  let unsubscribe: () => void;
  try {
    unsubscribe = ctx.store.watch(def.resource, filter, q.get('resourceVersion') ?? undefined, write);
  } catch (e) {
    if (e instanceof StoreError && e.reason === 'Gone') {
      // like the API server: a 200 stream carrying one ERROR event with a 410 Status
      res.end(`{"type":"ERROR","object":${JSON.stringify(new ApiError(410, 'Expired', e.message).toStatus())}}\n`);
      return;
    }
    throw e;
  }
  keepWatchOpen(ctx, req, res, def, unsubscribe);
}

/** Bookmarks and the timeout of an open watch; it ends when either side closes it, or at stop. */
function keepWatchOpen(ctx: ApiServerContext, req: Req, res: Res, def: ResourceDef, unsubscribe: () => void): void {
  const q = req.url.searchParams;
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    unsubscribe();
    timers.forEach((t) => clearInterval(t));
    if (!res.writableEnded) res.end();
  };
  if (q.get('allowWatchBookmarks') === 'true') {
    const bookmark = () =>
      res.write(
        `{"type":"BOOKMARK","object":{"kind":"${def.kind}","apiVersion":"${apiVersionOf(def)}","metadata":{"resourceVersion":"${ctx.store.resourceVersion}"}}}\n`,
      );
    timers.push(setInterval(bookmark, ctx.bookmarkMs));
  }
  const timeout = Number(q.get('timeoutSeconds') ?? 0);
  if (timeout > 0) timers.push(setTimeout(close, timeout * 1000));
  res.on('close', close);
  ctx.watches.add(close);
  res.on('close', () => ctx.watches.delete(close));
}

// The API server's routes: discovery and health, the simulation's own `/sim/*` endpoints, and the
// resource URLs (`/api/v1/...`, `/apis/<group>/<version>/...`, namespaced or cluster-wide) dispatched
// by verb to the read, write and pod-subresource handlers.
import type { ApiServerContext, Target } from './context';
import { discoveryDoc } from './discovery';
import { ApiError, methodNotAllowed, pathNotFound } from './errors';
import { send, type Req, type Res } from './http';
import { handlePodLog, handlePodProxy, PROMETHEUS_TEXT } from './pod-subresources';
import { handleGet, handleList } from './reads';
import type { RequestCounts } from './request-counts';
import { RESOURCES } from './resources';
import { handleCreate, handleDelete, handlePatch, handlePut } from './writes';

/** What the simulation serves beside the Kubernetes API (not part of it). */
export type SimEndpoints = {
  /** dcgm-exporter's text for every GPU node, or for one. */
  metrics(node?: string): string;
  isGpuNode(name: string): boolean;
  /** `GET /sim/status`. */
  status(): object;
  /** `POST /sim/snapshot`: a snapshot now; false when persistence is off. */
  snapshot(): Promise<{ persist: object | null } | false>;
};

type Resolved = Target & { sub: string[] };

/** A resource URL: its resource, namespace, object name and subresource path. */
function resolve(pathname: string): Resolved | undefined {
  const segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return undefined;
  let ns: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const def = RESOURCES.find((r) => r.group === group && r.version === version && r.resource === rest[0]);
  if (!def) return undefined;
  if (ns !== undefined && !def.namespaced) return undefined;
  return { def, ns, name: rest[1], sub: rest.slice(2) };
}

export function createRouter(
  ctx: ApiServerContext,
  sim: SimEndpoints,
  counts: RequestCounts,
): (req: Req, res: Res) => Promise<void> {
  return async (req, res) => {
    const p = req.url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && routeGet(req, res, p, sim)) return;
    if (req.method === 'POST' && p === '/sim/snapshot') {
      const saved = await sim.snapshot();
      return send(res, saved ? 200 : 404, saved || { persist: null });
    }
    const target = resolve(req.url.pathname);
    if (!target) throw pathNotFound();
    counts.count(req, target.def.resource, target.name, target.sub);
    if (target.sub.length) return routeSubresource(ctx, req, res, target, sim);
    routeVerb(ctx, req, res, target);
  };
}

/** GETs outside the resource URLs; false when the path is none of them. */
function routeGet(req: Req, res: Res, p: string, sim: SimEndpoints): boolean {
  if (p === '/healthz' || p === '/readyz' || p === '/livez') {
    send(res, 200, 'ok', 'text/plain');
    return true;
  }
  const doc = discoveryDoc(p, req.url.host);
  if (doc) {
    send(res, 200, doc);
    return true;
  }
  if (p === '/sim/dcgm/metrics') {
    send(res, 200, sim.metrics(), PROMETHEUS_TEXT);
    return true;
  }
  const m = /^\/sim\/dcgm\/nodes\/([^/]+)\/metrics$/.exec(p);
  if (m) {
    if (!sim.isGpuNode(m[1])) throw new ApiError(404, 'NotFound', `no GPU node "${m[1]}"`);
    send(res, 200, sim.metrics(m[1]), PROMETHEUS_TEXT);
    return true;
  }
  if (p === '/sim/status') {
    send(res, 200, sim.status());
    return true;
  }
  return false;
}

function routeSubresource(ctx: ApiServerContext, req: Req, res: Res, t: Resolved, sim: SimEndpoints): void {
  if (t.def.resource === 'pods' && req.method === 'GET') {
    if (t.sub[0] === 'log') return handlePodLog(ctx, req, res, t.ns!, t.name!);
    if (t.sub[0] === 'proxy') return handlePodProxy(ctx, res, t.ns, t.name!, t.sub.slice(1), sim.metrics);
  }
  throw pathNotFound();
}

function routeVerb(ctx: ApiServerContext, req: Req, res: Res, { def, ns, name }: Target): void {
  if (req.method === 'GET')
    return name ? handleGet(ctx, req, res, { def, ns, name }) : handleList(ctx, req, res, { def, ns });
  if (req.method === 'DELETE') return handleDelete(ctx, req, res, { def, ns, name });
  if (req.method === 'POST' && !name) return handleCreate(ctx, req, res, { def, ns });
  if (req.method === 'PUT' && name) return handlePut(ctx, req, res, { def, ns, name });
  if (req.method === 'PATCH' && name) return handlePatch(ctx, req, res, { def, ns, name });
  throw methodNotAllowed();
}

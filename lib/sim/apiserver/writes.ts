// Writes to a resource: create (generateName, admission), update (PUT), patch, delete and
// deletecollection, each checked as the API server checks it before the store is touched.
import { nameSuffix } from '../rand';
import type { KObject } from '../store';
import { selectorsOf, storeCall, type ApiServerContext, type ObjectTarget, type Target } from './context';
import { badRequest, invalid, methodNotAllowed, notFound } from './errors';
import { parseObject, send, type Req, type Res } from './http';
import { applyPatch } from './patch';
import { apiVersionOf, RESOURCES, resourceDef, type ResourceDef } from './resources';
import { validate } from './validation';

const dryRun = (req: Req) => req.url.searchParams.get('dryRun') === 'All';

/** As the API server does: a Secret's write-only `stringData` is merged into `data`, base64-encoded. */
function foldStringData(def: ResourceDef, obj: KObject): void {
  const secret = obj as KObject & { stringData?: Record<string, string>; data?: Record<string, string> };
  if (def.resource !== 'secrets' || !secret.stringData) return;
  secret.data = { ...(secret.data ?? {}) };
  for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(v, 'utf8').toString('base64');
  delete secret.stringData;
}

/** The object's apiVersion, kind and namespace as the URL says, refusing a body that says otherwise. */
function placeObject(ctx: ApiServerContext, def: ResourceDef, ns: string | undefined, obj: KObject): void {
  if ((obj.apiVersion && obj.apiVersion !== apiVersionOf(def)) || (obj.kind && obj.kind !== def.kind)) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`,
    );
  }
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
  obj.metadata ??= { name: '' };
  if (!def.namespaced) return;
  if (obj.metadata.namespace && obj.metadata.namespace !== ns)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  obj.metadata.namespace = ns;
  // NamespaceLifecycle admission: nothing is created in a namespace that does not exist
  if (ns && !ctx.store.get('namespaces', undefined, ns)) throw notFound(resourceDef('namespaces'), ns);
}

/** generateName: the prefix and a seeded 5-character suffix not yet taken. */
function generateName(ctx: ApiServerContext, def: ResourceDef, ns: string | undefined, obj: KObject): void {
  if (obj.metadata.name || !obj.metadata.generateName) return;
  const prefix = obj.metadata.generateName;
  for (let i = 0; i < 100; i++) {
    const candidate = `${prefix}${nameSuffix(ctx.seed, `${prefix}:${ns}:${ctx.store.count(def.resource)}:${i}`)}`;
    if (!ctx.store.get(def.resource, ns, candidate)) {
      obj.metadata.name = candidate;
      return;
    }
  }
}

export function handleCreate(ctx: ApiServerContext, req: Req, res: Res, { def, ns }: Target): void {
  if (!def.verbs.includes('create')) throw methodNotAllowed(` (post ${def.resource})`);
  const obj = parseObject(req.body, req.headers['content-type']);
  placeObject(ctx, def, ns, obj);
  generateName(ctx, def, ns, obj);
  foldStringData(def, obj);
  const causes = validate(def, obj);
  if (causes.length) throw invalid(def, obj.metadata.name ?? '', causes);
  if (def.resource === 'pods') {
    const refused = ctx.admission.admitPod(obj);
    if (refused) throw refused;
  }
  delete obj.metadata.resourceVersion;
  delete obj.metadata.uid;
  if (def.resource === 'workflows') delete obj.status;
  // a pod created over the API waits unscheduled (the sim runs only the pods of workflows)
  if (def.resource === 'pods') obj.status = { phase: 'Pending' };
  if (dryRun(req)) return send(res, 201, obj);
  const saved = storeCall(def, obj.metadata.name, () => ctx.store.create(def.resource, obj));
  send(res, 201, ctx.store.getJson(def.resource, ns, saved.metadata.name) ?? saved);
}

function writeUpdate(
  ctx: ApiServerContext,
  req: Req,
  res: Res,
  target: ObjectTarget,
  next: KObject,
  expectRv?: string,
): void {
  const { def, ns, name } = target;
  if (next.metadata?.name !== name)
    throw badRequest(`the name of the object (${next.metadata?.name}) does not match the name on the URL (${name})`);
  next.apiVersion = apiVersionOf(def);
  next.kind = def.kind;
  if (def.namespaced) next.metadata.namespace = ns;
  foldStringData(def, next);
  const causes = validate(def, next);
  if (causes.length) throw invalid(def, name, causes);
  if (dryRun(req)) return send(res, 200, next);
  storeCall(def, name, () => ctx.store.update(def.resource, next, expectRv));
  send(res, 200, ctx.store.getJson(def.resource, ns, name)!);
}

export function handlePut(ctx: ApiServerContext, req: Req, res: Res, target: ObjectTarget): void {
  const obj = parseObject(req.body, req.headers['content-type']);
  if (!ctx.store.get(target.def.resource, target.ns, target.name)) throw notFound(target.def, target.name);
  writeUpdate(ctx, req, res, target, obj, obj.metadata?.resourceVersion);
}

export function handlePatch(ctx: ApiServerContext, req: Req, res: Res, target: ObjectTarget): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const current = ctx.store.getCopy(target.def.resource, target.ns, target.name);
  if (!current) throw notFound(target.def, target.name);
  const { patched, expectRv } = applyPatch(target.def, current, type, req.body);
  writeUpdate(ctx, req, res, target, patched, expectRv);
}

export function handleDelete(ctx: ApiServerContext, req: Req, res: Res, { def, ns, name }: Target): void {
  if (!def.verbs.includes('delete')) throw methodNotAllowed();
  const { store } = ctx;
  if (!name) {
    for (const o of store.list(def.resource, { namespace: ns, ...selectorsOf(req.url.searchParams) }).items)
      store.delete(def.resource, o.metadata.namespace, o.metadata.name);
    return send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
  }
  const gone = storeCall(def, name, () => store.delete(def.resource, ns, name));
  // the namespace controller's part: what a deleted namespace held goes with it
  if (def.resource === 'namespaces') {
    for (const r of RESOURCES.filter((x) => x.namespaced))
      for (const o of store.list(r.resource, { namespace: name, labels: [], fields: [] }).items)
        store.delete(r.resource, name, o.metadata.name);
  }
  send(res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...(def.group ? { group: def.group } : {}), kind: def.resource, uid: gone.metadata.uid },
  });
}

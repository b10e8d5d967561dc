// The simulated cluster: an HTTP server speaking the Kubernetes API subset Gantry uses (discovery,
// Nodes, Namespaces, Pods + logs + proxy, Argo Workflows with list/watch/patch), driven by one tick
// loop that runs the simulated Argo controller, kube-scheduler and kubelet. See lib/sim/README.md.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import jsonPatch, { type Operation } from 'fast-json-patch';
import YAML from 'yaml';
import {
  alreadyExists,
  apiGroup,
  mergePatch,
  openApiV3Doc,
  openApiV3Root,
  apiGroupList,
  ApiError,
  apiVersionOf,
  badRequest,
  conflict,
  invalid,
  notFound,
  RESOURCES,
  resourceList,
  toTable,
  validate,
  type ResourceDef,
} from './api';
import { Admission } from './admission';
import { DCGM_NS, DCGM_PORT, ensureDcgmPods, ensureNamespaces, kubeconfigText, reconcileNodes } from './boot';
import { loadState, Persister, stateFile, type PersistStats } from './persist';
import { ArgoController, PODS, WF, type PodExecution } from './argo/controller';
import { isBenchmarkRunnerImage } from '@/lib/domain/benchmarks/runner';
import { runBenchmarkStep } from './benchmark-runner';
import { readCurlScript, runCurlScript } from './curl';
import { TimerHeap } from './clock';
import { renderDcgmMetrics, type DcgmSource } from './dcgm';
import { Placement } from './placement';
import { buildSimNodes, nodeObject, POOLS, type Taint } from './pools';
import { nameSuffix } from './rand';
import {
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type FieldRequirement,
  type Requirement,
} from './selectors';
import { Store, StoreError, type KObject } from './store';

export type SimClusterOptions = {
  host?: string;
  port: number;
  seed: number;
  speed: number;
  dataDir: string;
  log?: (msg: string, fields?: object) => void;
  /** Share of steps that fail without a hint (default 0.02). */
  failureRate?: number;
  /** Real milliseconds between ticks of the simulation loop (default 50). */
  tickMs?: number;
  /** Seconds between watch BOOKMARK events for clients that allow them (default 5). */
  bookmarkSeconds?: number;
  /**
   * false: nothing runs Workflows; the API server only stores and serves them, as with the
   * controller scaled to zero. For a bench that writes Workflow statuses itself, at a size the
   * simulated pods cannot reach on one machine (default true).
   */
  argoController?: boolean;
  /**
   * Persistence under `<dataDir>/sim/` (lib/sim/persist.ts): snapshots every intervalMs (default
   * 1000) when something changed, within soonMs (default 100) of a Workflow created or deleted,
   * and at stop; a start on the same folder carries on from it. false: nothing is saved or loaded.
   */
  persist?: false | { intervalMs?: number; soonMs?: number };
};

export type SimCluster = {
  url: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
  /** Test and tooling hooks: not part of the Kubernetes API. */
  sim: {
    store: Store;
    controller: ArgoController;
    compact(): void;
    /** A snapshot now (resolves once it is on disk); undefined stats when persistence is off. */
    snapshot(): Promise<void>;
    persistStats(): PersistStats | undefined;
    /** Kubernetes API requests served so far, by `<verb> <resource>` (log reads: `log pods`). */
    requests(): Record<string, number>;
    resetRequests(): void;
  };
};

type Req = { method: string; url: URL; headers: http.IncomingHttpHeaders; body: string };

function send(res: http.ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit = 64 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new ApiError(413, 'RequestEntityTooLarge', 'request entity too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseObject(body: string, contentType: string | undefined): KObject {
  try {
    const v = contentType?.includes('yaml') ? YAML.parse(body) : JSON.parse(body);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as KObject;
  } catch (e) {
    throw badRequest(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${(e as Error).message})`,
    );
  }
}

/** As the API server does: a Secret's write-only `stringData` is merged into `data`, base64-encoded. */
function foldStringData(def: ResourceDef, obj: KObject): void {
  const secret = obj as KObject & { stringData?: Record<string, string>; data?: Record<string, string> };
  if (def.resource !== 'secrets' || !secret.stringData) return;
  secret.data = { ...(secret.data ?? {}) };
  for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(v, 'utf8').toString('base64');
  delete secret.stringData;
}

export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const now = () => Date.now();
  const bootMs = now();
  const store = new Store({ seed: opts.seed, now });
  const timers = new TimerHeap();
  const simNodes = buildSimNodes(opts.seed, POOLS);
  const nodeObjs = new Map(simNodes.map((n, i) => [n.name, nodeObject(n, opts.seed, bootMs - 86_400_000 * 12, i)]));
  const placement = new Placement(
    simNodes,
    (n) => store.get('nodes', undefined, n)?.metadata.labels ?? {},
    (n) => (store.get('nodes', undefined, n)?.spec as { taints?: Taint[] } | undefined)?.taints ?? [],
    (n) => Boolean((store.get('nodes', undefined, n)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable),
  );
  // The kubelet's part of starting a container: env values and secretKeyRefs resolved from the pod's namespace.
  const execute = (pod: PodExecution): Promise<number> | undefined => {
    // The containers the sim really runs: Gantry's benchmark runner, and a `sh -c "curl ..."` GET
    // (a parted sweep's fetch step), whose output file becomes its output parameter.
    const curl = readCurlScript(pod.command);
    const run: ((env: Record<string, string>) => Promise<number>) | undefined = isBenchmarkRunnerImage(pod.image)
      ? (env) => runBenchmarkStep(env, log)
      : curl
        ? async (env) => {
            const { exitCode, files } = await runCurlScript(curl, env, log);
            for (const [path, content] of Object.entries(files)) pod.writeFile?.(path, content);
            return exitCode;
          }
        : undefined;
    if (!run) return undefined;
    const env: Record<string, string> = {};
    for (const e of pod.env) {
      const ref = (e.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)?.secretKeyRef;
      if (!ref) {
        env[e.name] = e.value ?? '';
        continue;
      }
      const data = (store.get('secrets', pod.namespace, ref.name) as { data?: Record<string, string> } | undefined)
        ?.data;
      if (data?.[ref.key] === undefined) {
        log('sim: secret key not found', { pod: pod.name, secret: ref.name, key: ref.key });
        return Promise.resolve(1);
      }
      env[e.name] = Buffer.from(data[ref.key], 'base64').toString('utf8');
    }
    return run(env);
  };
  const admission = new Admission(store);
  const admitPod = (pod: KObject) => {
    const refused = admission.admitPod(pod);
    return refused && { message: refused.message, transient: Admission.isTransient(refused) };
  };
  const controller = new ArgoController(store, placement, timers, {
    seed: opts.seed,
    speed: opts.speed,
    failureRate: opts.failureRate ?? 0.02,
    now,
    log,
    execute,
    workflows: opts.argoController ?? true,
    admitPod,
  });
  const dcgm: DcgmSource = {
    nodes: simNodes,
    placement,
    podRun: (k) => controller.podRun(k),
    seed: opts.seed,
    bootMs,
    now,
  };

  const target = stateFile(opts.dataDir);
  const saved = opts.persist === false ? undefined : loadState(target, log);
  if (saved) store.restoreState(saved.store);
  ensureNamespaces(store);
  const lostNodes = reconcileNodes(store, nodeObjs.values());
  if (saved) {
    admission.resync();
    const restored = controller.restoreState(saved.controller);
    log('simulated cluster restored', {
      file: target.file,
      savedAt: saved.savedAt,
      cleanStop: saved.clean,
      resourceVersion: store.resourceVersion,
      objects: saved.store.objects.length,
      ...restored,
      lostNodes,
    });
  }

  const followers = new Set<() => void>();
  const server = http.createServer();
  let url = '';

  // ---- routing ----

  function resolve(req: Req): { def: ResourceDef; ns?: string; name?: string; sub: string[] } | undefined {
    const segs = req.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
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

  function selectors(q: URLSearchParams): { labels: Requirement[]; fields: FieldRequirement[] } {
    try {
      return { labels: parseLabelSelector(q.get('labelSelector')), fields: parseFieldSelector(q.get('fieldSelector')) };
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(`unable to parse requirement: ${e.message}`);
      throw e;
    }
  }

  const wantsTable = (req: Req) => (req.headers.accept ?? '').includes('as=Table');
  const storeCall = <T>(def: ResourceDef, name: string, fn: () => T): T => {
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
  };
  const requireNamespace = (ns: string | undefined) => {
    if (ns && !store.get('namespaces', undefined, ns)) throw notFound(RESOURCES[0], ns);
  };

  function handleList(req: Req, res: http.ServerResponse, def: ResourceDef, ns: string | undefined): void {
    const q = req.url.searchParams;
    const { labels, fields } = selectors(q);
    if (q.get('watch') === 'true' || q.get('watch') === '1') return handleWatch(req, res, def, ns, labels, fields);
    const list = store.list(def.resource, { namespace: ns, labels, fields });
    if (wantsTable(req))
      return send(
        res,
        200,
        toTable(def, list.items, list.resourceVersion, now(), q.get('includeObject') ?? 'Metadata'),
      );
    const body = `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":{"resourceVersion":"${list.resourceVersion}"},"items":[${list.json.map((j) => withKind(j, def)).join(',')}]}`;
    send(res, 200, body);
  }

  /** Objects are stored with apiVersion/kind; older writers may have left them out. */
  function withKind(json: string, def: ResourceDef): string {
    return json.startsWith('{"apiVersion"')
      ? json
      : `{"apiVersion":"${apiVersionOf(def)}","kind":"${def.kind}",${json.slice(1)}`;
  }

  function handleWatch(
    req: Req,
    res: http.ServerResponse,
    def: ResourceDef,
    ns: string | undefined,
    labels: Requirement[],
    fields: FieldRequirement[],
  ): void {
    const q = req.url.searchParams;
    const table = wantsTable(req);
    const includeObject = q.get('includeObject') ?? 'Metadata';
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    const write = (type: string, json: string, obj: KObject) => {
      const object = table
        ? JSON.stringify(toTable(def, [obj], obj.metadata.resourceVersion ?? '', now(), includeObject))
        : withKind(json, def);
      res.write(`{"type":"${type}","object":${object}}\n`);
    };
    let unsubscribe: () => void = () => undefined;
    try {
      unsubscribe = store.watch(
        def.resource,
        { namespace: ns, labels, fields },
        q.get('resourceVersion') ?? undefined,
        write,
      );
    } catch (e) {
      if (e instanceof StoreError && e.reason === 'Gone') {
        // like the API server: a 200 stream carrying one ERROR event with a 410 Status
        res.end(`{"type":"ERROR","object":${JSON.stringify(new ApiError(410, 'Expired', e.message).toStatus())}}\n`);
        return;
      }
      throw e;
    }
    const timers: NodeJS.Timeout[] = [];
    const close = () => {
      unsubscribe();
      timers.forEach((t) => clearInterval(t));
      if (!res.writableEnded) res.end();
    };
    if (q.get('allowWatchBookmarks') === 'true') {
      const every = (opts.bookmarkSeconds ?? 5) * 1000;
      timers.push(
        setInterval(
          () =>
            res.write(
              `{"type":"BOOKMARK","object":{"kind":"${def.kind}","apiVersion":"${apiVersionOf(def)}","metadata":{"resourceVersion":"${store.resourceVersion}"}}}\n`,
            ),
          every,
        ),
      );
    }
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) timers.push(setTimeout(close, timeout * 1000));
    res.on('close', close);
    openWatches.add(close);
    res.on('close', () => openWatches.delete(close));
  }

  function handleLog(req: Req, res: http.ServerResponse, ns: string, name: string): void {
    const q = req.url.searchParams;
    const container = q.get('container') ?? undefined;
    const first = controller.readLog(ns, name, container);
    if (!first.ok) {
      if (first.code === 404 && store.get(PODS, ns, name)) {
        // a pod the simulation does not run (e.g. the dcgm-exporter DaemonSet pods)
        return send(
          res,
          200,
          `level=info msg="Starting dcgm-exporter"\nlevel=info msg="Starting webserver" address=:${DCGM_PORT}\n`,
          'text/plain',
        );
      }
      throw first.code === 404 ? notFound(RESOURCES[2], name) : badRequest(first.message);
    }
    const stamp = q.get('timestamps') === 'true';
    const fmt = (l: { at: number; text: string }) =>
      stamp ? `${new Date(l.at).toISOString()} ${l.text}\n` : `${l.text}\n`;
    const tail = q.has('tailLines') ? Number(q.get('tailLines')) : undefined;
    const since = q.has('sinceSeconds') ? now() - Number(q.get('sinceSeconds')) * 1000 : undefined;
    let lines = first.lines.filter((l) => since === undefined || l.at >= since);
    if (tail !== undefined && tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
    const limit = q.has('limitBytes') ? Number(q.get('limitBytes')) : undefined;
    const text = lines.map(fmt).join('');
    const follow = q.get('follow') === 'true';
    if (!follow || first.done) return send(res, 200, limit ? text.slice(0, limit) : text, 'text/plain');
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.write(text);
    let written = first.lines.length;
    const poll = () => {
      const cur = controller.readLog(ns, name, container);
      if (!cur.ok) return end();
      if (cur.lines.length > written) res.write(cur.lines.slice(written).map(fmt).join(''));
      written = cur.lines.length;
      if (cur.done) end();
    };
    const end = () => {
      followers.delete(poll);
      if (!res.writableEnded) res.end();
    };
    followers.add(poll);
    res.on('close', end);
  }

  function handleCreate(req: Req, res: http.ServerResponse, def: ResourceDef, ns: string | undefined): void {
    if (!def.verbs.includes('create'))
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource (post ${def.resource})`,
      );
    const obj = parseObject(req.body, req.headers['content-type']);
    if ((obj.apiVersion && obj.apiVersion !== apiVersionOf(def)) || (obj.kind && obj.kind !== def.kind)) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`,
      );
    }
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata ??= { name: '' };
    if (def.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== ns)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      obj.metadata.namespace = ns;
      requireNamespace(ns);
    }
    if (!obj.metadata.name && obj.metadata.generateName) {
      const prefix = obj.metadata.generateName;
      for (let i = 0; i < 100; i++) {
        const candidate = `${prefix}${nameSuffix(opts.seed, `${prefix}:${ns}:${store.count(def.resource)}:${i}`)}`;
        if (!store.get(def.resource, ns, candidate)) {
          obj.metadata.name = candidate;
          break;
        }
      }
    }
    foldStringData(def, obj);
    const causes = validate(def, obj);
    if (causes.length) throw invalid(def, obj.metadata.name ?? '', causes);
    if (def.resource === 'pods') {
      const refused = admission.admitPod(obj);
      if (refused) throw refused;
    }
    delete obj.metadata.resourceVersion;
    delete obj.metadata.uid;
    if (def.resource === 'workflows') delete obj.status;
    // a pod created over the API waits unscheduled (the sim runs only the pods of workflows)
    if (def.resource === 'pods') obj.status = { phase: 'Pending' };
    if (req.url.searchParams.get('dryRun') === 'All') return send(res, 201, obj);
    const saved = storeCall(def, obj.metadata.name, () => store.create(def.resource, obj));
    send(res, 201, store.getJson(def.resource, ns, saved.metadata.name) ?? saved);
  }

  function writeUpdate(
    req: Req,
    res: http.ServerResponse,
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    next: KObject,
    expectRv?: string,
  ): void {
    if (next.metadata?.name !== name)
      throw badRequest(`the name of the object (${next.metadata?.name}) does not match the name on the URL (${name})`);
    next.apiVersion = apiVersionOf(def);
    next.kind = def.kind;
    if (def.namespaced) next.metadata.namespace = ns;
    foldStringData(def, next);
    const causes = validate(def, next);
    if (causes.length) throw invalid(def, name, causes);
    if (req.url.searchParams.get('dryRun') === 'All') return send(res, 200, next);
    storeCall(def, name, () => store.update(def.resource, next, expectRv));
    send(res, 200, store.getJson(def.resource, ns, name)!);
  }

  function handlePatch(
    req: Req,
    res: http.ServerResponse,
    def: ResourceDef,
    ns: string | undefined,
    name: string,
  ): void {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const current = store.getCopy(def.resource, ns, name);
    if (!current) throw notFound(def, name);
    let patched: KObject;
    let patchBody: unknown;
    try {
      patchBody = JSON.parse(req.body);
    } catch {
      throw badRequest('error decoding patch: invalid JSON');
    }
    if (type === 'application/json-patch+json') {
      if (!Array.isArray(patchBody))
        throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      try {
        patched = jsonPatch.applyPatch(current, patchBody as Operation[], true, false).newDocument;
      } catch (e) {
        const err = e as { name?: string; message: string };
        // a failed "test" operation or a missing path is unprocessable, as in the API server
        throw new ApiError(
          422,
          'Invalid',
          `the server rejected our request due to an error in our request: ${err.message.split('\n')[0]}`,
        );
      }
    } else if (
      type === 'application/merge-patch+json' ||
      (type === 'application/strategic-merge-patch+json' && !def.group)
    ) {
      patched = mergePatch(current, patchBody) as KObject;
    } else {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
    }
    // a resourceVersion inside the patch is a precondition (optimistic concurrency)
    const pv = (patchBody as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
    writeUpdate(req, res, def, ns, name, patched, Array.isArray(patchBody) ? undefined : pv);
  }

  function handleDelete(
    req: Req,
    res: http.ServerResponse,
    def: ResourceDef,
    ns: string | undefined,
    name: string | undefined,
  ): void {
    if (!def.verbs.includes('delete'))
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    if (!name) {
      const { labels, fields } = selectors(req.url.searchParams);
      for (const o of store.list(def.resource, { namespace: ns, labels, fields }).items)
        store.delete(def.resource, o.metadata.namespace, o.metadata.name);
      return send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
    }
    const gone = storeCall(def, name, () => store.delete(def.resource, ns, name));
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

  // API requests served, by verb and resource (`list workflows`, `log pods` ...): how many calls
  // Gantry makes is measured here (bench/workflow-sync.ts), where a real cluster's audit log would.
  const requestCounts = new Map<string, number>();
  function countRequest(req: Req, resource: string, name: string | undefined, sub: string[]): void {
    const watch = req.url.searchParams.get('watch');
    const verb = sub.length
      ? sub[0]
      : req.method === 'GET'
        ? watch === 'true' || watch === '1'
          ? 'watch'
          : name
            ? 'get'
            : 'list'
        : ((
            { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' } as Record<
              string,
              string
            >
          )[req.method] ?? req.method);
    const key = `${verb} ${resource}`;
    requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
  }

  async function route(req: Req, res: http.ServerResponse): Promise<void> {
    const p = req.url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET') {
      if (p === '/version')
        return send(res, 200, {
          major: '1',
          minor: '31',
          gitVersion: 'v1.31.6-gantry-sim',
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2025-03-01T00:00:00Z',
          goVersion: 'go1.22.12',
          compiler: 'gc',
          platform: 'linux/amd64',
        });
      if (p === '/healthz' || p === '/readyz' || p === '/livez') return send(res, 200, 'ok', 'text/plain');
      if (p === '/api')
        return send(res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.url.host }],
        });
      if (p === '/apis') return send(res, 200, apiGroupList());
      if (p === '/api/v1') return send(res, 200, resourceList('', 'v1'));
      const g = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
      if (g && RESOURCES.some((r) => r.group === g[1] && (!g[2] || r.version === g[2])))
        return send(res, 200, g[2] ? resourceList(g[1], g[2]) : apiGroup(g[1]));
      if (p === '/sim/dcgm/metrics')
        return send(res, 200, renderDcgmMetrics(dcgm), 'text/plain; version=0.0.4; charset=utf-8');
      const m = /^\/sim\/dcgm\/nodes\/([^/]+)\/metrics$/.exec(p);
      if (m) {
        if (!simNodes.some((n) => n.name === m[1] && n.pool.gpu))
          throw new ApiError(404, 'NotFound', `no GPU node "${m[1]}"`);
        return send(res, 200, renderDcgmMetrics(dcgm, m[1]), 'text/plain; version=0.0.4; charset=utf-8');
      }
      if (p === '/openapi/v3') return send(res, 200, openApiV3Root());
      if (p.startsWith('/openapi/v3/')) {
        const doc = openApiV3Doc(p.slice('/openapi/v3/'.length));
        if (doc) return send(res, 200, doc);
      }
      if (p === '/sim/status')
        return send(res, 200, {
          ...controller.stats,
          timers: timers.size,
          resourceVersion: store.resourceVersion,
          requests: Object.fromEntries(requestCounts),
          persist: persister?.stats,
        });
    }
    if (req.method === 'POST' && p === '/sim/snapshot') {
      await persister?.save();
      return send(res, persister ? 200 : 404, { persist: persister?.stats ?? null });
    }
    const r = resolve(req);
    if (!r) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const { def, ns, name, sub } = r;
    countRequest(req, def.resource, name, sub);
    if (sub.length) {
      if (def.resource === 'pods' && sub[0] === 'log' && req.method === 'GET') return handleLog(req, res, ns!, name!);
      if (def.resource === 'pods' && sub[0] === 'proxy' && req.method === 'GET') {
        const podName = name!.split(':')[0];
        const pod = store.get(PODS, ns, podName);
        if (!pod) throw notFound(def, podName);
        const nodeName = (pod.spec as { nodeName?: string }).nodeName;
        if (ns === DCGM_NS && nodeName && sub.slice(1).join('/') === 'metrics')
          return send(res, 200, renderDcgmMetrics(dcgm, nodeName), 'text/plain; version=0.0.4; charset=utf-8');
        throw new ApiError(
          503,
          'ServiceUnavailable',
          `error trying to reach service: dial tcp ${podName}: connect: connection refused`,
        );
      }
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    switch (req.method) {
      case 'GET':
        if (!name) return handleList(req, res, def, ns);
        if (wantsTable(req)) {
          const o = store.get(def.resource, ns, name);
          if (!o) throw notFound(def, name);
          return send(
            res,
            200,
            toTable(
              def,
              [o],
              o.metadata.resourceVersion ?? '',
              now(),
              req.url.searchParams.get('includeObject') ?? 'Metadata',
            ),
          );
        }
        return send(
          res,
          200,
          withKind(
            store.getJson(def.resource, ns, name) ??
              (() => {
                throw notFound(def, name);
              })(),
            def,
          ),
        );
      case 'POST':
        if (name)
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        return handleCreate(req, res, def, ns);
      case 'PUT': {
        if (!name)
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const obj = parseObject(req.body, req.headers['content-type']);
        if (!store.get(def.resource, ns, name)) throw notFound(def, name);
        return writeUpdate(req, res, def, ns, name, obj, obj.metadata?.resourceVersion);
      }
      case 'PATCH':
        if (!name)
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        return handlePatch(req, res, def, ns, name);
      case 'DELETE':
        return handleDelete(req, res, def, ns, name);
    }
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }

  const openWatches = new Set<() => void>();
  server.on('request', (raw: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      try {
        const body = raw.method === 'POST' || raw.method === 'PUT' || raw.method === 'PATCH' ? await readBody(raw) : '';
        const req: Req = {
          method: raw.method ?? 'GET',
          url: new URL(raw.url ?? '/', `http://${raw.headers.host ?? 'localhost'}`),
          headers: raw.headers,
          body,
        };
        await route(req, res);
      } catch (e) {
        if (res.headersSent) {
          res.end();
          return;
        }
        if (e instanceof ApiError) send(res, e.code, e.toStatus());
        else {
          log('sim: internal error', { err: (e as Error).stack ?? String(e) });
          send(
            res,
            500,
            new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`).toStatus(),
          );
        }
      }
    })();
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolveListen());
  });
  const addr = server.address() as { port: number };
  url = `http://${host}:${addr.port}`;
  ensureDcgmPods(
    store,
    simNodes.filter((n) => n.pool.gpu).map((n) => nodeObjs.get(n.name)!),
    url,
    bootMs,
  );

  fs.mkdirSync(opts.dataDir, { recursive: true });
  const kubeconfigPath = path.join(opts.dataDir, 'kubeconfig');
  fs.writeFileSync(kubeconfigPath, kubeconfigText(url), { mode: 0o600 });

  // the one loop: timers due, then controller work, then log followers
  const loop = setInterval(() => {
    try {
      timers.runDue(now());
      controller.tick();
      for (const f of [...followers]) f();
    } catch (e) {
      log('sim: tick failed', { err: (e as Error).stack ?? String(e) });
    }
  }, opts.tickMs ?? 50);

  const persister =
    opts.persist === false
      ? undefined
      : new Persister({
          target,
          capture: (clean) => {
            controller.flush();
            return {
              savedAt: new Date(now()).toISOString(),
              clean,
              store: store.captureState(),
              controller: controller.captureState(),
            };
          },
          resourceVersion: () => Number(store.resourceVersion),
          intervalMs: opts.persist?.intervalMs ?? 1000,
          soonMs: opts.persist?.soonMs ?? 100,
          log,
        });
  // a Workflow created or deleted and then lost to a crash would fail its job as WORKFLOW_MISSING
  store.onChange((type, resource) => resource === WF && type !== 'MODIFIED' && persister?.soon());
  persister?.start();
  log('simulated cluster listening', {
    url,
    kubeconfig: kubeconfigPath,
    nodes: simNodes.length,
    seed: opts.seed,
    speed: opts.speed,
  });

  return {
    url,
    kubeconfigPath,
    sim: {
      store,
      controller,
      compact: () => store.compact(),
      snapshot: async () => persister?.save(),
      persistStats: () => persister && { ...persister.stats },
      requests: () => Object.fromEntries(requestCounts),
      resetRequests: () => requestCounts.clear(),
    },
    async stop() {
      clearInterval(loop);
      await persister?.stop();
      for (const close of [...openWatches]) close();
      for (const f of [...followers]) followers.delete(f);
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}

// The simulated cluster: an HTTP server speaking the Kubernetes API subset Gantry uses (discovery,
// Nodes, Namespaces, Pods + logs + proxy, Argo Workflows with list/watch/patch), driven by one tick
// loop that runs the simulated Argo controller, kube-scheduler and kubelet. This file assembles the
// components (see lib/sim/README.md for each) and starts and stops them.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { Admission } from './admission';
import { RequestCounts } from './apiserver/request-counts';
import type { ApiServerContext } from './apiserver/context';
import { serve } from './apiserver/http';
import { createRouter, type SimEndpoints } from './apiserver/router';
import { ensureDcgmPods, ensureNamespaces, kubeconfigText, reconcileNodes } from './boot';
import { TimerHeap } from './clock';
import { ControlLoop } from './control-loop';
import { renderDcgmMetrics, type DcgmSource } from './dcgm';
import { createExecutor } from './kubelet/exec';
import { Persister, type PersistStats } from './persist';
import { loadState, stateFile } from './state-file';
import { Placement } from './placement';
import { buildSimNodes, nodeObject, POOLS, type SimNode, type Taint } from './pools';
import { Store } from './store';

type Log = (msg: string, fields?: object) => void;

export type SimClusterOptions = {
  host?: string;
  port: number;
  seed: number;
  speed: number;
  dataDir: string;
  log?: Log;
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

/** The settings `npm start` and `npm run sim` both take from the environment (lib/env.ts). */
export function simOptionsFromEnv(
  e: Pick<Env, 'GANTRY_SIM_PORT' | 'GANTRY_SIM_SEED' | 'GANTRY_SIM_SPEED' | 'GANTRY_SIM_FAILURE_RATE' | 'dataDir'>,
): SimClusterOptions {
  return {
    port: e.GANTRY_SIM_PORT,
    seed: e.GANTRY_SIM_SEED,
    speed: e.GANTRY_SIM_SPEED,
    failureRate: e.GANTRY_SIM_FAILURE_RATE,
    dataDir: e.dataDir,
  };
}

export type SimCluster = {
  url: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
  /** Test and tooling hooks: not part of the Kubernetes API. */
  sim: {
    store: Store;
    controller: ControlLoop;
    compact(): void;
    /** A snapshot now (resolves once it is on disk); undefined stats when persistence is off. */
    snapshot(): Promise<void>;
    persistStats(): PersistStats | undefined;
    /** Kubernetes API requests served so far, by `<verb> <resource>` (log reads: `log pods`). */
    requests(): Record<string, number>;
    resetRequests(): void;
  };
};

/** The scheduler's view of the nodes: their pools, and the labels, taints and cordon the API holds. */
function createPlacement(store: Store, simNodes: SimNode[]): Placement {
  const node = (n: string) => store.get('nodes', undefined, n);
  return new Placement(
    simNodes,
    (n) => node(n)?.metadata.labels ?? {},
    (n) => (node(n)?.spec as { taints?: Taint[] } | undefined)?.taints ?? [],
    (n) => Boolean((node(n)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable),
  );
}

/** The components behind the API server, with the state of an earlier run loaded when there is one. */
function assemble(opts: SimClusterOptions, log: Log, now: () => number, bootMs: number) {
  const store = new Store({ seed: opts.seed, now });
  const timers = new TimerHeap();
  const simNodes = buildSimNodes(opts.seed, POOLS);
  const nodeObjs = new Map(simNodes.map((n, i) => [n.name, nodeObject(n, opts.seed, bootMs - 86_400_000 * 12, i)]));
  const placement = createPlacement(store, simNodes);
  const admission = new Admission(store);
  const controller = new ControlLoop(store, placement, timers, {
    seed: opts.seed,
    speed: opts.speed,
    failureRate: opts.failureRate ?? 0.02,
    now,
    log,
    execute: createExecutor(store, log),
    workflows: opts.argoController ?? true,
    admitPod: (pod) => {
      const refused = admission.admitPod(pod);
      return refused && { message: refused.message, transient: Admission.isTransient(refused) };
    },
  });
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
  const dcgm: DcgmSource = {
    nodes: simNodes,
    placement,
    podRun: (k) => controller.podRun(k),
    seed: opts.seed,
    bootMs,
    now,
  };
  return { store, timers, simNodes, nodeObjs, admission, controller, target, dcgm };
}

type Parts = ReturnType<typeof assemble>;

function createPersister(opts: SimClusterOptions, parts: Parts, log: Log, now: () => number) {
  if (opts.persist === false) return undefined;
  const { store, controller, target } = parts;
  const persister = new Persister({
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
  store.onChange((type, resource) => resource === 'workflows' && type !== 'MODIFIED' && persister.soon());
  return persister;
}

function simEndpoints(parts: Parts, counts: RequestCounts, persister: Persister | undefined): SimEndpoints {
  const { simNodes, dcgm, controller, timers, store } = parts;
  return {
    metrics: (node) => renderDcgmMetrics(dcgm, node),
    isGpuNode: (name) => simNodes.some((n) => n.name === name && n.pool.gpu),
    status: () => ({
      ...controller.stats,
      timers: timers.size,
      resourceVersion: store.resourceVersion,
      requests: counts.toObject(),
      persist: persister?.stats,
    }),
    snapshot: async () => {
      if (!persister) return false;
      await persister.save();
      return { persist: persister.stats };
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}

function apiContext(opts: SimClusterOptions, parts: Parts, now: () => number): ApiServerContext {
  return {
    store: parts.store,
    admission: parts.admission,
    seed: opts.seed,
    now,
    bookmarkMs: (opts.bookmarkSeconds ?? 5) * 1000,
    watches: new Set(),
    followers: new Set(),
    readLog: (ns, name, container) => parts.controller.readLog(ns, name, container),
  };
}

/** The one loop: timers due, then the components' work, then log followers. */
function startLoop(parts: Parts, ctx: ApiServerContext, opts: SimClusterOptions, log: Log, now: () => number) {
  return setInterval(() => {
    try {
      parts.timers.runDue(now());
      parts.controller.tick();
      for (const f of [...ctx.followers]) f();
    } catch (e) {
      log('sim: tick failed', { err: (e as Error).stack ?? String(e) });
    }
  }, opts.tickMs ?? 50);
}

function writeKubeconfig(dataDir: string, url: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const kubeconfigPath = path.join(dataDir, 'kubeconfig');
  fs.writeFileSync(kubeconfigPath, kubeconfigText(url), { mode: 0o600 });
  return kubeconfigPath;
}

export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const now = () => Date.now();
  const bootMs = now();
  const parts = assemble(opts, log, now, bootMs);
  const { store, controller, simNodes, nodeObjs } = parts;
  const ctx = apiContext(opts, parts, now);
  const counts = new RequestCounts();
  const persister = createPersister(opts, parts, log, now);
  const server = http.createServer();
  serve(server, createRouter(ctx, simEndpoints(parts, counts, persister), counts), log);
  const url = `http://${host}:${await listen(server, opts.port, host)}`;
  const gpuNodes = simNodes.filter((n) => n.pool.gpu).map((n) => nodeObjs.get(n.name)!);
  ensureDcgmPods(store, gpuNodes, url, bootMs);
  const kubeconfigPath = writeKubeconfig(opts.dataDir, url);
  const loop = startLoop(parts, ctx, opts, log, now);
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
      requests: () => counts.toObject(),
      resetRequests: () => counts.clear(),
    },
    async stop() {
      clearInterval(loop);
      await persister?.stop();
      for (const close of [...ctx.watches]) close();
      for (const f of [...ctx.followers]) ctx.followers.delete(f);
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}

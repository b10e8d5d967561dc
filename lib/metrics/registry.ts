// Gantry's own Prometheus metrics: every series defined here, once, in one registry per process.
// The names are a contract with the PrometheusRule and the Grafana dashboard in k8s/ (rename
// nothing without them). The web process loads this module twice: Next bundles the route handlers
// (which observe request durations) apart from web/server.ts's own modules (which serve /metrics
// and POST /api/jobs), so the registry lives on globalThis and both copies fill the same one.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Component = 'web' | 'worker';

/** Values a scrape reads at the moment it happens (a database count, the follower's state). */
export interface MetricSources {
  /** Jobs by team, GPU kind and state (web): one grouped count, cached briefly by its provider. */
  queue?: () => Promise<Array<{ team: string; gpuKind: string; state: string; jobs: number }>>;
  /** The database as this process sees it: reachable, connection errors so far by kind, connections. */
  database?: () => Promise<DatabaseReading>;
  /** Seconds since Gantry last knew every Workflow change (worker). */
  workflowSyncLag?: () => number | null;
  /** Loops whose last completed run is the freshest success of a loop that never returns (worker). */
  loopLastSuccess?: () => Array<{ loop: string; seconds: number }>;
}

export interface DatabaseReading {
  up: boolean;
  errors: Record<string, number>;
  /** Gantry's connections (null where this process does not read them). */
  connections: { open: number; busy: number } | null;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Registers = Registry[];

function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const sources: MetricSources = {};
  return {
    registry,
    sources,
    ...webMetrics(registers, sources),
    ...schedulerMetrics(registers, sources),
    ...loopMetrics(registers, sources),
    ...databaseMetrics(registers, sources),
  };
}

/** API requests, and the queue the web reads at scrape time. */
function webMetrics(registers: Registers, sources: MetricSources) {
  return {
    httpDuration: new Histogram({
      name: 'gantry_http_request_duration_seconds',
      help: 'API requests by route pattern (never the raw path), method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: SECONDS,
      registers,
    }),
    queueJobs: new Gauge({
      name: 'gantry_queue_jobs',
      help: 'Jobs not yet finished, by team, GPU kind and state (read from the database at scrape time)',
      labelNames: ['team', 'gpu_kind', 'state'],
      registers,
      async collect() {
        if (!sources.queue) return;
        const rows = await sources.queue().catch(() => null);
        this.reset();
        for (const r of rows ?? []) this.set({ team: r.team, gpu_kind: r.gpuKind, state: r.state }, r.jobs);
      },
    }),
  };
}

/** What the scheduler pass, the job-failing verbs, the workflow follower and the telemetry loop report. */
function schedulerMetrics(registers: Registers, sources: MetricSources) {
  return {
    clusterGpus: new Gauge({
      name: 'gantry_cluster_gpus',
      help: "GPUs by kind in the scheduler's last cluster snapshot: allocatable, and allocated to pods",
      labelNames: ['gpu_kind', 'state'],
      registers,
    }),
    admissions: new Counter({
      name: 'gantry_scheduler_admissions_total',
      help: 'Jobs admitted by the scheduler',
      labelNames: ['team', 'gpu_kind'],
      registers,
    }),
    preemptions: new Counter({
      name: 'gantry_scheduler_preemptions_total',
      help: 'Running jobs the scheduler told to stop for a job with a better claim',
      labelNames: ['team', 'gpu_kind'],
      registers,
    }),
    jobFailures: new Counter({
      name: 'gantry_job_failures_total',
      help: 'Jobs that ended failed, by reason (WORKFLOW_FAILED, WORKFLOW_MISSING, WORKFLOW_STALLED, launch refusals)',
      labelNames: ['reason'],
      registers,
    }),
    schedulerPass: new Histogram({
      name: 'gantry_scheduler_pass_duration_seconds',
      help: 'One scheduler pass: preemptions due, cluster snapshot, admission, hand-over to the cluster',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    decisionLatency: new Histogram({
      name: 'gantry_scheduler_decision_latency_seconds',
      help: 'From entering the queue (submission, or requeue after preemption) to admission, per admitted job',
      buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600],
      registers,
    }),
    workflowSyncLag: new Gauge({
      name: 'gantry_workflow_sync_lag_seconds',
      help: 'Seconds since Gantry last knew every Workflow change (0 while the watch is caught up)',
      registers,
      collect() {
        const lag = sources.workflowSyncLag?.();
        // No sample where this process follows no Workflows (the web; a replica without the lock).
        if (lag === undefined || lag === null) this.remove({});
        else this.set(lag);
      },
    }),
    telemetryScrapes: new Counter({
      name: 'gantry_telemetry_scrapes_total',
      help: 'dcgm-exporter (or Prometheus federate) scrapes by the telemetry loop, by result',
      labelNames: ['result'],
      registers,
    }),
  };
}

/** Worker loop runs (their liveness is computed in loops.ts). */
function loopMetrics(registers: Registers, sources: MetricSources) {
  return {
    loopRuns: new Counter({
      name: 'gantry_worker_loop_runs_total',
      help: "Worker loop runs by result (skipped: another replica holds the loop's lock)",
      labelNames: ['loop', 'result'],
      registers,
    }),
    loopLastSuccess: new Gauge({
      name: 'gantry_worker_loop_last_success_timestamp_seconds',
      help: 'When each worker loop last completed a run without error (a loop that runs until shutdown: now, while it runs)',
      labelNames: ['loop'],
      registers,
      collect() {
        for (const { loop, seconds } of sources.loopLastSuccess?.() ?? []) this.set({ loop }, seconds);
      },
    }),
    loopDuration: new Histogram({
      name: 'gantry_worker_loop_duration_seconds',
      help: 'Worker loop run durations',
      labelNames: ['loop'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    }),
  };
}

/** The database as this process found it (lib/db/unavailable.ts). */
function databaseMetrics(registers: Registers, sources: MetricSources) {
  return {
    dbUp: new Gauge({
      name: 'gantry_db_up',
      help: 'Whether this process reached PostgreSQL at the last scrape (1) or not (0)',
      registers,
      async collect() {
        const reading = await sources.database?.();
        if (reading) this.set(reading.up ? 1 : 0);
      },
    }),
    dbPool: new Gauge({
      name: 'gantry_db_pool_connections',
      help: "Gantry's PostgreSQL connections as pg_stat_activity shows them (all Gantry processes): open, and busy running a statement",
      labelNames: ['state'],
      registers,
      async collect() {
        const reading = await sources.database?.();
        this.reset();
        if (reading?.connections) {
          this.set({ state: 'open' }, reading.connections.open);
          this.set({ state: 'busy' }, reading.connections.busy);
        }
      },
    }),
    dbErrors: new Counter({
      name: 'gantry_db_errors_total',
      help: 'Times this process found PostgreSQL out of reach, by kind (refused, lost, shutdown, starting, too_many_connections, timeout)',
      labelNames: ['kind'],
      registers,
      async collect() {
        const reading = await sources.database?.();
        if (!reading) return;
        // The counts live with the database client (lib/db/unavailable.ts); copied, never summed.
        this.reset();
        for (const [kind, count] of Object.entries(reading.errors)) this.inc({ kind }, count);
      },
    }),
  };
}

export type GantryMetrics = ReturnType<typeof createMetrics>;

const holder = globalThis as unknown as { [key: symbol]: GantryMetrics | undefined };
const KEY = Symbol.for('gantry.metrics');

/** The process's metrics (created on first use; the same object from every module copy). */
export function metrics(): GantryMetrics {
  return (holder[KEY] ??= createMetrics());
}

const PROCESS_KEY = Symbol.for('gantry.metrics.process');

/** Process and Node.js runtime series (process_*, nodejs_*), labelled with the component; once per process. */
export function collectProcessMetrics(component: Component): void {
  const flags = globalThis as unknown as { [key: symbol]: boolean | undefined };
  if (flags[PROCESS_KEY]) return;
  flags[PROCESS_KEY] = true;
  collectDefaultMetrics({ register: metrics().registry, labels: { component } });
}

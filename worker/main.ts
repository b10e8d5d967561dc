// The worker process: runs background loops until SIGINT/SIGTERM, then finishes the runs in
// progress, closes its database pool and exits (a second signal exits at once).
import os from 'node:os';
import { getDbHandle } from '@/lib/db/client';
import { env, EnvError } from '@/lib/env';
import { logger, type Logger } from '@/lib/log';
import { onShutdownSignal } from '@/lib/shutdown-signals';
import { installWorkerMetrics } from '@/lib/metrics/processes';
import { startLoops } from './loop';
import { lowerProcessPriority } from './priority';
import { workerLoops } from './loops';
import { startWorkerMetricsServer, type WorkerMetricsServer } from './metrics-server';

async function main() {
  try {
    env();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const log = logger().child({ svc: 'worker' });
  const nice = env().GANTRY_WORKER_NICE;
  if (nice > 0) log.info({ nice, threads: lowerProcessPriority(nice) }, 'worker runs at a lower CPU priority');
  const handle = getDbHandle();
  installWorkerMetrics();
  const metricsServer = await startMetrics(log);
  const runner = startLoops(workerLoops(), { ...handle, log, holder: `${os.hostname()}:${process.pid}` });
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'worker stopping');
    await runner.stop();
    await metricsServer?.close();
    await handle.close();
    log.info('worker stopped');
    process.exit(0);
  };
  onShutdownSignal({
    stop: (signal) => void shutdown(signal),
    // A second Ctrl-C: leave the current runs (their transactions roll back when the pool goes).
    force: (signal) => {
      log.warn({ signal }, 'worker stopping at once, without finishing the current runs');
      process.exit(1);
    },
  });
}

/** GET /metrics and /healthz (worker/metrics-server.ts), unless GANTRY_WORKER_METRICS_PORT is 0. */
async function startMetrics(log: Logger): Promise<WorkerMetricsServer | null> {
  const { GANTRY_WORKER_METRICS_HOST: host, GANTRY_WORKER_METRICS_PORT: port, GANTRY_METRICS_TOKEN: token } = env();
  if (port === 0) return null;
  try {
    const server = await startWorkerMetricsServer({ host, port, token, log });
    log.info({ url: server.url }, 'worker metrics and liveness listening');
    return server;
  } catch (error) {
    // Another Gantry on the same machine (tests, benches) may hold the port: the loops matter more.
    // In a pod nothing else holds it; a failing liveness probe would say so there.
    log.warn({ err: error, host, port }, 'worker metrics server could not listen; no worker metrics or /healthz');
    return null;
  }
}

void main();

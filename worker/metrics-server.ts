// The worker's own small HTTP server (GANTRY_WORKER_METRICS_HOST:PORT, 9464 by default):
// GET /metrics, Gantry's series from this process (the same access rule as the web's /metrics), and
// GET /healthz, the worker's liveness: 200 while every loop completes runs, 503 naming the loops
// that stopped (lib/metrics/loops.ts). Without GANTRY_METRICS_TOKEN it binds loopback only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@/lib/log';
import { workerLiveness } from '@/lib/metrics/loops';
import { serveMetrics } from '@/lib/metrics/serve';

export interface WorkerMetricsServer {
  /** The URL it listens at. */
  url: string;
  close(): Promise<void>;
}

export interface WorkerMetricsOptions {
  host: string;
  port: number;
  token: string | undefined;
  log: Logger;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startWorkerMetricsServer(opts: WorkerMetricsOptions): Promise<WorkerMetricsServer> {
  let host = opts.host;
  if (!opts.token && !LOOPBACK_HOSTS.has(host)) {
    opts.log.warn({ host }, 'GANTRY_METRICS_TOKEN is not set: the worker metrics server listens on 127.0.0.1 only');
    host = '127.0.0.1';
  }
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      serveMetrics(req, res, { token: opts.token, clientAddress: req.socket.remoteAddress }).catch((error: unknown) => {
        opts.log.error({ err: error }, 'metrics exposition failed');
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      return;
    }
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const { alive, stalled } = workerLiveness();
      const body = JSON.stringify(alive ? { status: 'ok' } : { status: 'stalled', stalled });
      res.writeHead(alive ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

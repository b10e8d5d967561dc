// The web process (`npm start` runs it; `npm run dev` uses `next dev` instead). Next.js serves every
// page and API route, except that POST /api/jobs is answered here, by the same route handler, without
// Next's router in front of it.
//
// Why: scripts submit jobs in bursts (issue: 1,000 durable submissions a second from 16 clients on two
// cores). Next's own request handling costs about 1.1 ms of CPU a request on these cores even for an
// empty route (router, web-stream adapters), more than the submission itself (authentication, zod,
// a batched insert). Served here, POST /api/jobs costs the web process 0.4-0.5 ms instead of 1.5 ms
// (docs/benchmarks.md, `npm run bench api-submit`). Pages and every other route keep Next's server.
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { CLIENT_ADDRESS_HEADER, stampClientAddress } from '@/lib/http/client-address';
import type { RouteHandler } from '@/lib/http/node-adapter';
import { logger } from '@/lib/log';
import { onShutdownSignal } from '@/lib/shutdown-signals';
import { drainable } from './drain';
import { installWebMetrics } from '@/lib/metrics/processes';
import { serveMetrics } from '@/lib/metrics/serve';

const root = path.resolve(import.meta.dirname, '..');

/** Routes answered without Next's router, by method and path (the query string is the handler's). */
async function directRoutes(): Promise<Map<string, RouteHandler>> {
  // Imported once Next is prepared (here and for the adapter): next/server needs the
  // AsyncLocalStorage that Next's server installs.
  const jobs = await import('@/app/api/jobs/route');
  return new Map([['POST /api/jobs', jobs.POST]]);
}

async function main() {
  const {
    HOST: hostname,
    PORT: port,
    GANTRY_TRUSTED_PROXY_HOPS: proxyHops,
    GANTRY_METRICS_TOKEN: metricsToken,
    GANTRY_SHUTDOWN_DRAIN_SECONDS: drainSeconds,
  } = env();
  const log = logger().child({ svc: 'web' });
  process.title = 'gantry-web';
  const app = next({ dev: false, dir: root, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const direct = await directRoutes();
  // Gantry's metrics (lib/metrics): the route wrappers inside Next's bundle fill the same registry.
  installWebMetrics(getDb);
  const { serveRoute } = await import('@/lib/http/node-adapter');
  const origin = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;

  const server = http.createServer((req, res) => {
    drainer.track(res);
    // The address sign-in and token throttling count against (lib/http/client-address.ts).
    stampClientAddress(req, proxyHops);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const pathname = query < 0 ? url : url.slice(0, query);
    const handler = direct.get(`${req.method} ${pathname}`);
    const served =
      pathname === '/metrics'
        ? serveMetrics(req, res, {
            token: metricsToken,
            clientAddress: req.headers[CLIENT_ADDRESS_HEADER] as string | undefined,
          })
        : handler
          ? serveRoute(handler, req, res, origin)
          : handle(req, res);
    served.catch((error: unknown) => {
      log.error({ err: error, url }, 'request failed outside its handler');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const drainer = drainable(server);
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
  log.info({ url: origin }, 'web server listening');

  // SIGTERM (the launcher, Kubernetes): drain, then exit; the launcher stops PostgreSQL only after.
  const shutdown = async (signal: string) => {
    log.info(
      { signal, drainSeconds },
      'web server stopping: accepting no more connections, draining requests in flight',
    );
    const { drained, inFlightAtStart, cutOff } = await drainer.drain(drainSeconds * 1000);
    if (drained) log.info({ inFlightAtStart }, 'web server drained');
    else
      log.warn({ inFlightAtStart, cutOff, drainSeconds }, 'drain deadline passed; closed the connections still open');
    // Bounded: nothing is served any more, and the launcher waits for this process before PostgreSQL.
    await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    log.info('web server stopped');
    process.exit(0);
  };
  onShutdownSignal({
    stop: (signal) => void shutdown(signal),
    force: (signal) => {
      log.warn({ signal }, 'web server stopping at once, cutting off requests in flight');
      process.exit(1);
    },
  });
}

main().catch((error: unknown) => {
  console.error('[web] start failed:', error);
  process.exit(1);
});

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
import { env } from '@/lib/env';
import { stampClientAddress } from '@/lib/http/client-address';
import type { RouteHandler } from '@/lib/http/node-adapter';
import { logger } from '@/lib/log';

const root = path.resolve(import.meta.dirname, '..');

/** Routes answered without Next's router, by method and path (the query string is the handler's). */
async function directRoutes(): Promise<Map<string, RouteHandler>> {
  // Imported once Next is prepared (here and for the adapter): next/server needs the
  // AsyncLocalStorage that Next's server installs.
  const jobs = await import('@/app/api/jobs/route');
  return new Map([['POST /api/jobs', jobs.POST]]);
}

async function main() {
  const { HOST: hostname, PORT: port, GANTRY_TRUSTED_PROXY_HOPS: proxyHops } = env();
  const log = logger().child({ svc: 'web' });
  process.title = 'gantry-web';
  const app = next({ dev: false, dir: root, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const direct = await directRoutes();
  const { serveRoute } = await import('@/lib/http/node-adapter');
  const origin = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;

  const server = http.createServer((req, res) => {
    // The address sign-in and token throttling count against (lib/http/client-address.ts).
    stampClientAddress(req, proxyHops);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const handler = direct.get(`${req.method} ${query < 0 ? url : url.slice(0, query)}`);
    const served = handler ? serveRoute(handler, req, res, origin) : handle(req, res);
    served.catch((error: unknown) => {
      log.error({ err: error, url }, 'request failed outside its handler');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
  log.info({ url: origin }, 'web server listening');

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'web server stopping');
    // Stop taking connections, let requests in flight finish (idle kept-alive sockets close now).
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[web] start failed:', error);
  process.exit(1);
});

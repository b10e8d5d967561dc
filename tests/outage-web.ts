// A web process for the database-outage test (tests/db-outage.int.test.ts): the real App Router
// handlers of a few API routes served from node:http by lib/http/node-adapter, the way web/server.ts
// serves POST /api/jobs, in a process of its own with its own database pool. Next's own server needs
// a production build, which the integration tests run before; the handlers, the route wrapper, the
// error mapping and the pool are the same code. Prints one line when listening: `listening <url>`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GET as readyz } from '@/app/api/readyz/route';
import { GET as getJob } from '@/app/api/jobs/[id]/route';
import { POST as submitJob } from '@/app/api/jobs/route';
import { GET as me } from '@/app/api/me/route';
import { serveRoute, type RouteHandler } from '@/lib/http/node-adapter';
import { logger } from '@/lib/log';

const ROUTES: Array<{ method: string; pattern: RegExp; handler: RouteHandler }> = [
  { method: 'GET', pattern: /^\/api\/readyz$/, handler: readyz },
  { method: 'GET', pattern: /^\/api\/me$/, handler: me },
  { method: 'POST', pattern: /^\/api\/jobs$/, handler: submitJob },
  { method: 'GET', pattern: /^\/api\/jobs\/(?<id>[^/]+)$/, handler: getJob },
];

const log = logger().child({ svc: 'outage-web' });
let origin = '';
const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  for (const { method, pattern, handler } of ROUTES) {
    const match = req.method === method ? pattern.exec(path) : null;
    if (!match) continue;
    serveRoute(handler, req, res, origin, { ...match.groups }).catch((error: unknown) => {
      log.error({ err: error, path }, 'request failed outside its handler');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => {
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`listening ${origin}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));

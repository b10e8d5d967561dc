// GET /metrics for the web server and the worker's metrics server: who may read it, and the answer.
// Team names are in the series, so the endpoint is not public: with GANTRY_METRICS_TOKEN a scraper
// sends it as a Bearer token; without one only clients on loopback get an answer, and others get the
// same 404 as any unknown path, so the endpoint's existence is not advertised.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from './registry';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'hidden';

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export function isLoopback(address: string | null | undefined): boolean {
  return !!address && LOOPBACK.test(address);
}

function sameSecret(a: string, b: string): boolean {
  // Hashes first: equal lengths for timingSafeEqual, and no early exit on the token's length.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** The access rule, pure: `clientAddress` is the one throttling counts against (lib/http/client-address.ts). */
export function metricsAccess(input: {
  token: string | undefined;
  authorization: string | null | undefined;
  clientAddress: string | null | undefined;
  /** the request names a client it was forwarded for (X-Forwarded-For, Forwarded, X-Real-IP) */
  forwarded?: boolean;
}): MetricsAccess {
  if (input.token) {
    const presented = /^Bearer\s+(\S+)$/i.exec(input.authorization ?? '')?.[1];
    return presented && sameSecret(presented, input.token) ? 'allowed' : 'unauthorized';
  }
  // A proxy forwarded it: behind a reverse proxy on this host with GANTRY_TRUSTED_PROXY_HOPS at 0
  // every client arrives from 127.0.0.1, so loopback proves nothing. A local scraper forwards nothing.
  if (input.forwarded) return 'hidden';
  return isLoopback(input.clientAddress) ? 'allowed' : 'hidden';
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

export interface MetricsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}): MetricsAnswer {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ type: 'about:blank', title, status, detail }),
  };
}

/** The answer to one request for the metrics: the exposition, or why not. */
export async function answerMetrics(input: {
  method: string | undefined;
  access: MetricsAccess;
}): Promise<MetricsAnswer> {
  if (input.access === 'hidden') return problem(404, 'Not Found', 'No such resource');
  if (input.access === 'unauthorized') {
    return problem(401, 'Unauthorized', 'Send the metrics token (GANTRY_METRICS_TOKEN) as a Bearer token', {
      'www-authenticate': 'Bearer realm="gantry-metrics"',
    });
  }
  if (input.method !== 'GET' && input.method !== 'HEAD')
    return problem(405, 'Method Not Allowed', 'Use GET', { allow: 'GET, HEAD' });
  const { registry } = metrics();
  return {
    status: 200,
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
    body: await registry.metrics(),
  };
}

function writeAnswer(res: ServerResponse, method: string | undefined, answer: MetricsAnswer): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(method === 'HEAD' ? undefined : answer.body);
}

/** Answers GET /metrics on a node:http server; `clientAddress` as the server resolved it. */
export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  opts: { token: string | undefined; clientAddress: string | null | undefined },
): Promise<void> {
  const forwarded = FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
  const access = metricsAccess({
    token: opts.token,
    authorization: req.headers.authorization,
    clientAddress: opts.clientAddress,
    forwarded,
  });
  writeAnswer(res, req.method, await answerMetrics({ method: req.method, access }));
}

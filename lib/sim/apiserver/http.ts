// HTTP plumbing of the simulated API server: the request as the handlers see it, bodies in and out,
// and the one place where an error becomes a `Status` response.
import type http from 'node:http';
import YAML from 'yaml';
import type { KObject } from '../store';
import { ApiError, badRequest } from './errors';

export type Req = { method: string; url: URL; headers: http.IncomingHttpHeaders; body: string };
export type Res = http.ServerResponse;

export function send(res: Res, code: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Headers of a response written as it goes (a watch, a followed log). */
export function streamHeaders(type: string): http.OutgoingHttpHeaders {
  return { 'Content-Type': type, 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' };
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

/** A request body as an object: JSON, or YAML when the content type says so (kubectl create -f). */
export function parseObject(body: string, contentType: string | undefined): KObject {
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

/**
 * Serves each request with `route`: the body is read for writes, an ApiError is answered with its
 * Status, anything else with a 500 InternalError Status (and logged); a stream already begun is ended.
 */
export function serve(
  server: http.Server,
  route: (req: Req, res: Res) => Promise<void>,
  log: (msg: string, fields?: object) => void,
): void {
  server.on('request', (raw: http.IncomingMessage, res: Res) => {
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
}

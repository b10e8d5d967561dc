// Serves an App Router route handler (NextRequest in, Response out) straight from node:http. The
// web server uses it for the one path where Next's own request handling is most of the cost; the
// handler is the same function Next serves, so authentication, validation, error mapping and the
// log line are unchanged (see web/server.ts for why and what it measured).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { NextRequest } from 'next/server';
import { problemResponse } from './problem';
import type { RouteHandler } from './route';

export type { RouteHandler };

/** Job specs can carry a whole Argo workflow; anything larger than this is not a job. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const head: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') head[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) head['set-cookie'] = cookies;
  head['content-length'] = body.length;
  res.writeHead(response.status, head).end(body);
}

/**
 * Answers one request with `handler`; `origin` is the server's own URL (for the request's URL),
 * `params` the route's path parameters (`{ id }` for `/api/jobs/[id]`).
 */
export async function serveRoute(
  handler: RouteHandler,
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  params: Record<string, string> = {},
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) return void res.destroy();
    const detail = `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`;
    return writeResponse(
      res.setHeader('connection', 'close'),
      problemResponse({ type: 'about:blank', title: 'Content Too Large', status: 413, detail }),
    );
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const request = new NextRequest(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    body:
      body.length && req.method !== 'GET' && req.method !== 'HEAD'
        ? new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength)
        : undefined,
  });
  await writeResponse(res, await handler(request, { params: Promise.resolve(params) }));
}

// One POST to a webhook. The destination is checked on the address actually connected to (the
// lookup below vets every address DNS answers, so a name rebound to a metadata or loopback address
// after the URL was saved is refused); redirects are never followed (a 3xx is a failed attempt).
import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkAddress, parseAllowList, type AllowList } from '@/lib/domain/notifications/destination';
import { isDelivered } from '@/lib/domain/notifications/schedule';
import { env } from '@/lib/env';

const TIMEOUT_MS = 10_000;
const MAX_ERROR_CHARS = 300;

export interface WebhookRequest {
  url: string;
  deliveryId: string;
  eventHeader: string;
  body: string;
  secret: string | null;
}

export interface WebhookResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export function webhookAllowList(): AllowList | null {
  return parseAllowList(env().GANTRY_WEBHOOK_ALLOW);
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as GitHub signs its webhooks. */
function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function safeLookup(host: string, allow: AllowList | null): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      for (const a of addresses) {
        const why = checkAddress(a.address, host, allow);
        if (why)
          return callback(
            Object.assign(new Error(`Refused destination: ${why}`), { code: 'EREFUSEDDESTINATION' }),
            '',
            4,
          );
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export function sendWebhook(req: WebhookRequest, allow: AllowList | null = webhookAllowList()): Promise<WebhookResult> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): WebhookResult => ({
    ok: statusCode !== null && isDelivered(statusCode),
    statusCode,
    durationMs: Math.round(performance.now() - started),
    error: error?.slice(0, MAX_ERROR_CHARS) ?? null,
  });
  const url = new URL(req.url);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // An address in the URL is never looked up, so it is checked here.
  if (isIP(host)) {
    const why = checkAddress(host, host, allow);
    if (why) return Promise.resolve(done(null, `Refused destination: ${why}`));
  }
  const options = {
    method: 'POST',
    headers: webhookHeaders(req),
    lookup: safeLookup(host, allow),
    timeout: TIMEOUT_MS,
  };
  return post(url, options, req.body, done);
}

function webhookHeaders(req: WebhookRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Gantry-Webhook/1',
    'x-gantry-event': req.eventHeader,
    'x-gantry-delivery': req.deliveryId,
  };
  if (req.secret) headers['x-gantry-signature'] = signBody(req.secret, req.body);
  return headers;
}

/** Why an answer is no delivery (with the start of its body), or null when it is one. */
function describeFailure(status: number, text: string): string | null {
  if (isDelivered(status)) return null;
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return `HTTP ${status}${redirect}: ${text.trim()}`;
}

function post(
  url: URL,
  options: http.RequestOptions,
  body: string,
  done: (statusCode: number | null, error: string | null) => WebhookResult,
): Promise<WebhookResult> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: WebhookResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const request = client.request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < MAX_ERROR_CHARS) text += chunk;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        settle(done(status, describeFailure(status, text)));
      });
      res.on('error', (e) => settle(done(status(res), e.message)));
    });
    // The socket timeout (options.timeout) only fires after 10 s of silence: a receiver sending a byte every few
    // seconds (headers or body) would hold this promise, and with it the worker's whole delivery pass
    // and everyone's notifications, for ever. So the attempt as a whole has 10 s too.
    const deadline = setTimeout(() => {
      settle(done(null, `No complete answer within ${TIMEOUT_MS / 1000} s`));
      request.destroy();
    }, TIMEOUT_MS);
    request.on('timeout', () => request.destroy(new Error(`No answer within ${TIMEOUT_MS / 1000} s`)));
    request.on('error', (e) => settle(done(null, e.message)));
    request.end(body);
  });
}

function status(res: http.IncomingMessage): number | null {
  return res.statusCode ?? null;
}

// The client address that sign-in and Bearer-token throttling count against. The web server stamps
// it on every request from the socket (web/server.ts), replacing whatever a client sent under the
// same name; X-Forwarded-For counts only with GANTRY_TRUSTED_PROXY_HOPS > 0, since any client can
// send that header. docs/security.md explains the setting.
import type { IncomingMessage } from 'node:http';

export const CLIENT_ADDRESS_HEADER = 'x-gantry-client-address';

function normalize(address: string): string {
  const a = address.trim();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * The socket's address, or with `hops` trusted proxies in front, the address the outermost one saw:
 * the hops-th entry from the right of X-Forwarded-For (each proxy appends the address it was
 * reached from). Falls back to the socket when the header is shorter than that.
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string | null {
  if (hops > 0 && forwardedFor) {
    const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const seen = entries[entries.length - hops];
    if (seen) return normalize(seen);
  }
  return socketAddress ? normalize(socketAddress) : null;
}

/** For the node:http server: sets the header on both views of the request, dropping a client's own. */
export function stampClientAddress(req: IncomingMessage, hops: number): void {
  const lower = CLIENT_ADDRESS_HEADER;
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== lower) raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const address = resolveClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], hops);
  if (address) raw.push(lower, address);
  req.rawHeaders = raw;
  if (address) req.headers[lower] = address;
  else delete req.headers[lower];
}

/**
 * In a route handler. Without the stamp (`next dev`, which has no Gantry web server in front), the
 * last X-Forwarded-For entry: Next sets it from the socket when the client sent none.
 */
export function clientAddress(headers: { get(name: string): string | null }): string | null {
  const stamped = headers.get(CLIENT_ADDRESS_HEADER);
  if (stamped) return stamped;
  const forwarded = headers.get('x-forwarded-for');
  return forwarded ? resolveClientAddress(undefined, forwarded, 1) : null;
}

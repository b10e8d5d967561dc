// Gantry's security headers, defined once: proxy.ts sends them with every page (and a fresh script
// nonce), the API wrappers and the node:http adapter with every API answer.
import { env, type Env } from '@/lib/env';

export interface SecurityHeaderOptions {
  /** The origin browsers load Gantry from: https turns on HSTS and upgrade-insecure-requests. */
  appOrigin: string;
  /** CSP frame-ancestors sources for share pages (GANTRY_SHARE_FRAME_ANCESTORS); none: never framed. */
  shareFrameAncestors?: string;
  /** Origin of the OIDC provider, the one place a sign-in form may lead. */
  oidcOrigin?: string;
  /** `next dev` needs eval for React's debugging aids; production never does. */
  dev?: boolean;
}

export function securityHeaderOptions(e: Env): SecurityHeaderOptions {
  return {
    appOrigin: e.appOrigin,
    shareFrameAncestors: e.GANTRY_SHARE_FRAME_ANCESTORS,
    oidcOrigin: e.OIDC_ISSUER ? new URL(e.OIDC_ISSUER).origin : undefined,
    dev: e.NODE_ENV === 'development',
  };
}

/** A fresh, unguessable script nonce for one page response (128 random bits). */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/**
 * The page policy. Scripts: only those carrying this response's nonce (Next puts it on its own
 * scripts, the layout on the theme script) and what they load ('strict-dynamic'); never inline
 * script or eval. Styles: stylesheets from 'self' and <style> elements with the nonce, plus style
 * *attributes* (style-src-attr 'unsafe-inline'): React renders `style={...}` props into the HTML, and
 * the DAG view and Recharts position and colour SVG with them. An injected attribute can restyle an
 * element but never run code, and React escapes every value, so this is the one inline allowance.
 */
export function contentSecurityPolicy(nonce: string, opts: SecurityHeaderOptions & { path?: string }): string {
  const https = opts.appOrigin.startsWith('https:');
  const share = opts.shareFrameAncestors && opts.path?.startsWith('/share/');
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    // `next dev` inserts stylesheets as <style> elements without a nonce (hot reloading).
    opts.dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${opts.oidcOrigin ? ` ${opts.oidcOrigin}` : ''}`,
    `frame-ancestors ${share ? opts.shareFrameAncestors : "'none'"}`,
    ...(https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** API answers are data, never documents: they may load nothing and be framed by no one. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The headers every response carries besides its CSP. */
function baseSecurityHeaders(opts: SecurityHeaderOptions, framable: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    // frame-ancestors is the rule; X-Frame-Options covers browsers without CSP level 2.
    ...(framable ? {} : { 'x-frame-options': 'DENY' }),
    // Only when browsers reach Gantry over https: HSTS on plain http is ignored at best.
    ...(opts.appOrigin.startsWith('https:')
      ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' }
      : {}),
  };
}

export function pageSecurityHeaders(
  nonce: string,
  opts: SecurityHeaderOptions & { path?: string },
): Record<string, string> {
  const framable = Boolean(opts.shareFrameAncestors && opts.path?.startsWith('/share/'));
  return { ...baseSecurityHeaders(opts, framable), 'content-security-policy': contentSecurityPolicy(nonce, opts) };
}

export function apiSecurityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  return { ...baseSecurityHeaders(opts, false), 'content-security-policy': API_POLICY };
}

let apiHeaders: Record<string, string> | undefined;

/** The API headers of this server, for a response's constructor (cheaper than setting them after). */
export function apiHeaderRecord(): Record<string, string> {
  apiHeaders ??= apiSecurityHeaders(securityHeaderOptions(env()));
  return apiHeaders;
}

/** Adds the API headers to a response a handler built itself. */
export function withApiSecurityHeaders<R extends Response>(response: R): R {
  for (const [name, value] of Object.entries(apiHeaderRecord())) response.headers.set(name, value);
  return response;
}

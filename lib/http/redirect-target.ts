// Where to send a browser after signing in (or out): a path on this origin, never elsewhere. Pure,
// so the sign-in form (client) and next-auth's redirect callback (server) apply the same rule.

// Browsers drop tabs and newlines from URLs and read `\` as `/` in http(s) URLs, so `/\evil.example`
// and `/\t/evil.example` both become `//evil.example`, a link to another host.
// eslint-disable-next-line no-control-regex -- matching the C0 controls and DEL is the point (\p{Cc} would add C1 too)
const CONTROL = /[\u0000-\u001f\u007f]/;
const BASE = 'http://gantry.invalid';

/**
 * `target` if it is a path on this origin (`/jobs?team=a`), else `/`. Protocol-relative (`//x`),
 * backslashed (`/\x`), control characters and absolute URLs go to `/`, except an absolute URL on
 * `origin` (next-auth hands its own callback URLs over absolute), which becomes its path.
 */
export function sameOriginPath(target: string | null | undefined, origin?: string): string {
  if (!target) return '/';
  let path = target;
  if (!path.startsWith('/')) {
    if (!origin) return '/';
    try {
      const url = new URL(path);
      if (url.origin !== new URL(origin).origin || CONTROL.test(path) || path.includes('\\')) return '/';
      path = url.pathname + url.search + url.hash;
    } catch {
      return '/';
    }
  }
  if (path.startsWith('//') || path.includes('\\') || CONTROL.test(path)) return '/';
  // What a browser would make of it, as a last word: still this origin.
  return new URL(path, BASE).origin === BASE ? path : '/';
}

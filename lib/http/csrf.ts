// Cross-site request forgery: a browser sends Gantry's session cookie with any request to Gantry's
// host, including a form posted from another port of the same host (same-site, so SameSite=Lax does
// not stop it). Cookie-authenticated writes must therefore come from Gantry's own pages: their
// Origin (or Referer) is Gantry's public origin, and their body is JSON, which a cross-origin page
// can only send after a CORS preflight that Gantry never answers. Bearer requests carry no ambient
// credential and are not checked.

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isMutating(method: string): boolean {
  return MUTATING.has(method);
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Why a cookie-authenticated write is refused (a sentence for the 403), or null when it may pass. */
export function crossSiteRefusal(headers: Headers, appOrigin: string): string | null {
  const origin = headers.get('origin');
  const referer = origin === null ? headers.get('referer') : null;
  if (origin === null && referer === null) {
    return 'A signed-in browser request that changes something must carry an Origin or Referer header';
  }
  // `Origin: null` (sandboxed frames, some redirects) names no origin and matches none.
  const from = origin !== null ? (origin === 'null' ? null : originOf(origin)) : originOf(referer!);
  if (from !== appOrigin) {
    return `Requests that change something must come from Gantry's own pages (${appOrigin}), not ${from ?? 'an opaque origin'}`;
  }
  const type = headers.get('content-type');
  const media = type?.split(';', 1)[0].trim().toLowerCase();
  if (media !== 'application/json') {
    return `A signed-in browser request that changes something must send Content-Type: application/json, not ${type ? media : 'none'}`;
  }
  return null;
}

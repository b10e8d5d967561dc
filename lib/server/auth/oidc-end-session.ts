import { env } from '@/lib/env';
import type { Logger } from '@/lib/log';

/**
 * Where to send the browser after Gantry's own sign-out so the provider's session ends too
 * (OpenID Connect RP-Initiated Logout 1.0), or null: OIDC_LOGOUT is not `provider`, the session did
 * not come from the provider, or its discovery document has no end_session_endpoint. The provider
 * sends the browser back to Gantry's sign-in page, which must be registered there as a
 * post-logout redirect URI.
 */
export async function oidcEndSessionUrl({
  idToken,
  origin,
  log,
}: {
  idToken: unknown;
  origin: string;
  log: Logger;
}): Promise<string | null> {
  const e = env();
  if (e.OIDC_LOGOUT !== 'provider' || !e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || typeof idToken !== 'string') return null;
  const wellKnown = `${e.OIDC_ISSUER.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let endpoint: unknown;
  try {
    const res = await fetch(wellKnown, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    endpoint = ((await res.json()) as { end_session_endpoint?: unknown }).end_session_endpoint;
  } catch (err) {
    // Gantry's session still ends; only the provider's stays, which the log says.
    log.warn(
      { event: 'oidc.end-session', err, wellKnown },
      'could not read the provider discovery document; signing out of Gantry only',
    );
    return null;
  }
  if (typeof endpoint !== 'string') return null;
  const url = new URL(endpoint);
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('client_id', e.OIDC_CLIENT_ID);
  url.searchParams.set('post_logout_redirect_uri', `${(e.NEXTAUTH_URL ?? origin).replace(/\/+$/, '')}/signin`);
  return url.toString();
}

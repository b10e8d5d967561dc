// A real, certified OpenID provider (panva's oidc-provider) on loopback for integration and e2e
// tests. Its settings are the defaults except what every deployment must supply: one client, the
// accounts (findAccount) and which claims each scope releases. With the default
// conformIdTokenClaims, `email`, `name` and `groups` reach Gantry only through userinfo.
import type { Server } from 'node:http';
import Provider from 'oidc-provider';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  /** Accounts by subject; change them between sign-ins to simulate changes at the provider. */
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

export const TEST_CLIENT = { id: 'gantry', secret: 'gantry-test-client-secret' };

export async function startOidcProvider(opts: {
  port: number;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  client?: { id: string; secret: string };
}): Promise<TestProvider> {
  const client = opts.client ?? TEST_CLIENT;
  const issuer = `http://127.0.0.1:${opts.port}`;
  const accounts = new Map<string, TestAccount>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: opts.redirectUris,
        post_logout_redirect_uris: opts.postLogoutRedirectUris ?? [],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // The dev login form accepts any login as the subject; unknown ones have no claims but `sub`.
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, ...accounts.get(sub) }),
    }),
    cookies: { keys: ['gantry-test-provider-cookie-key'] },
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = provider.listen(opts.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return {
    issuer,
    accounts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Walks the provider's own login and consent pages over HTTP like a browser (cookies, redirects)
 * for `subject`, from an authorization URL to the redirect back to the client; returns that URL.
 */
export async function authorizeOverHttp(
  authorizationUrl: string,
  subject: string,
  redirectPrefix: string,
): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).toString();
      if (url.startsWith(redirectPrefix)) return url;
      init = {};
      continue;
    }
    const html = await res.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (res.status !== 200 || !prompt)
      throw new Error(`Unexpected provider page ${res.status} at ${url}: ${html.slice(0, 300)}`);
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login: subject, password: 'any' } : { prompt });
    init = { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('Too many redirects at the provider');
}

import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import {
  apiSecurityHeaders,
  contentSecurityPolicy,
  createNonce,
  pageSecurityHeaders,
  securityHeaderOptions,
} from './security-headers';

const local = securityHeaderOptions(parseEnv({ NODE_ENV: 'production' }));

function directives(csp: string): Map<string, string> {
  return new Map(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.slice(d.indexOf(' ') + 1)]));
}

describe('security headers', () => {
  it("allows scripts only by this response's nonce, never inline or eval", () => {
    const nonce = createNonce();
    const csp = directives(contentSecurityPolicy(nonce, local));
    expect(csp.get('script-src')).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp.get('script-src')).not.toMatch(/unsafe/);
    expect(csp.get('style-src')).toBe(`'self' 'nonce-${nonce}'`);
    expect(csp.get('style-src-attr')).toBe("'unsafe-inline'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
  });

  it("allows eval under `next dev` only (React's debugging aids need it)", () => {
    const dev = securityHeaderOptions(parseEnv({ NODE_ENV: 'development' }));
    expect(directives(contentSecurityPolicy('n', dev)).get('script-src')).toMatch(/'unsafe-eval'$/);
  });

  it('draws a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    expect(Buffer.from([...nonces][0], 'base64')).toHaveLength(16);
  });

  it('sends nosniff, the referrer policy and no HSTS on plain http', () => {
    const h = pageSecurityHeaders('n', { ...local, path: '/' });
    expect(h).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-frame-options': 'DENY',
    });
    expect(h['strict-transport-security']).toBeUndefined();
  });

  it('adds HSTS and upgrade-insecure-requests when browsers reach Gantry over https', () => {
    const opts = securityHeaderOptions(parseEnv({ NEXTAUTH_URL: 'https://gantry.example.com' }));
    expect(pageSecurityHeaders('n', opts)['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(apiSecurityHeaders(opts)['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(directives(contentSecurityPolicy('n', opts)).has('upgrade-insecure-requests')).toBe(true);
  });

  it('lets the configured sites frame share pages, and nothing else', () => {
    const opts = securityHeaderOptions(parseEnv({ GANTRY_SHARE_FRAME_ANCESTORS: "'self' https://wiki.example.com" }));
    const share = pageSecurityHeaders('n', { ...opts, path: '/share/abc' });
    expect(directives(share['content-security-policy']).get('frame-ancestors')).toBe("'self' https://wiki.example.com");
    expect(share['x-frame-options']).toBeUndefined();
    const page = pageSecurityHeaders('n', { ...opts, path: '/jobs' });
    expect(directives(page['content-security-policy']).get('frame-ancestors')).toBe("'none'");
    expect(page['x-frame-options']).toBe('DENY');
    expect(() =>
      parseEnv({ GANTRY_SHARE_FRAME_ANCESTORS: "https://x.example; script-src 'unsafe-inline'" }),
    ).toThrowError(/GANTRY_SHARE_FRAME_ANCESTORS/);
  });

  it('lets the sign-in form lead to the OIDC provider only when one is configured', () => {
    const opts = securityHeaderOptions(
      parseEnv({ OIDC_ISSUER: 'https://id.example.com/realms/x', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }),
    );
    expect(directives(contentSecurityPolicy('n', opts)).get('form-action')).toBe("'self' https://id.example.com");
    expect(directives(contentSecurityPolicy('n', local)).get('form-action')).toBe("'self'");
  });

  it('gives API answers a policy that loads nothing', () => {
    expect(apiSecurityHeaders(local)['content-security-policy']).toMatch(/^default-src 'none'; frame-ancestors 'none'/);
  });
});

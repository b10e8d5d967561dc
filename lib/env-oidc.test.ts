import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('single sign-on settings', () => {
  it('fails the start naming OIDC_GROUP_MAP on a bad entry', () => {
    expect(() => parseEnv({ OIDC_GROUP_MAP: 'admins=*:root' })).toThrowError(
      /OIDC_GROUP_MAP: "admins=\*:root": role must be/,
    );
    expect(parseEnv({ OIDC_GROUP_MAP: 'admins=*:admin' }).OIDC_GROUP_MAP).toEqual([
      { group: 'admins', team: '*', role: 'admin' },
    ]);
  });

  it('defaults: groups claim, viewer, never link, local logout, password sign-in on', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      OIDC_GROUPS_CLAIM: 'groups',
      OIDC_GROUP_MAP: [],
      OIDC_DEFAULT_ROLE: 'viewer',
      OIDC_LINK_EXISTING: 'never',
      OIDC_LOGOUT: 'local',
      GANTRY_PASSWORD_SIGNIN: 'on',
    });
    expect(() => parseEnv({ OIDC_LINK_EXISTING: 'email' })).toThrowError(/OIDC_LINK_EXISTING/);
    expect(() => parseEnv({ OIDC_DEFAULT_ROLE: 'owner' })).toThrowError(/OIDC_DEFAULT_ROLE/);
  });

  it('turns password sign-in off only when a provider is configured', () => {
    const provider = { OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' };
    expect(parseEnv({ GANTRY_PASSWORD_SIGNIN: 'off' }).passwordSignIn).toBe(true);
    expect(parseEnv({ ...provider, GANTRY_PASSWORD_SIGNIN: 'off' }).passwordSignIn).toBe(false);
    expect(parseEnv(provider).passwordSignIn).toBe(true);
  });
});

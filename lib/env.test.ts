import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('fills defaults for a fresh machine', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      GANTRY_SIM_PORT: 6443,
      GANTRY_ADMIN_EMAIL: 'admin@gantry.local',
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('names each bad variable', () => {
    expect(() => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrowError(EnvError);
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      expect((e as Error).message).toContain('PORT');
      expect((e as Error).message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    }
  });

  it('requires all three OIDC settings together', () => {
    expect(() => parseEnv({ OIDC_ISSUER: 'https://id.example.com' })).toThrowError(/OIDC_CLIENT_ID/);
    expect(
      parseEnv({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }).OIDC_ISSUER,
    ).toBe('https://id.example.com');
  });

  it("gives pods the local server as Gantry's public URL unless told otherwise", () => {
    expect(parseEnv({}).publicUrl).toBe('http://127.0.0.1:3000');
    expect(parseEnv({ HOST: '0.0.0.0', PORT: '3100' }).publicUrl).toBe('http://127.0.0.1:3100');
    expect(parseEnv({ GANTRY_PUBLIC_URL: 'https://gantry.example.com/' }).publicUrl).toBe('https://gantry.example.com');
    expect(() => parseEnv({ GANTRY_PUBLIC_URL: 'gantry' })).toThrowError(/GANTRY_PUBLIC_URL/);
  });

  it('reads booleans the way people write them', () => {
    expect(parseEnv({ GANTRY_DEMO: '0' }).GANTRY_DEMO).toBe(false);
    expect(parseEnv({ GANTRY_DEMO: 'true' }).GANTRY_DEMO).toBe(true);
  });
});

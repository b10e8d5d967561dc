// Failed sign-ins and invalid Bearer tokens are throttled per account and client address, in
// PostgreSQL: a lockout answers 429 with Retry-After, survives a restart, and an admin clears it.
import { randomUUID } from 'node:crypto';
import { inject, describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server';
import { DELETE as clearLockoutRoute, GET as listLockoutsRoute } from '@/app/api/admin/lockouts/route';
import { POST as authRoute } from '@/app/api/auth/[...nextauth]/route';
import { GET as listStoredResults } from '@/app/api/benchmarks/results/route';
import { GET as getMe } from '@/app/api/me/route';
import { authOptions } from '@/lib/auth';
import { createDb } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { CLIENT_ADDRESS_HEADER } from '@/lib/http/client-address';
import { logger } from '@/lib/log';
import type { Actor, Ctx } from '@/lib/server/context';
import { createSweepDataset } from '@/lib/server/benchmarks/create-sweep-dataset';
import { createToken } from '@/lib/server/tokens/create-token';
import { testDb } from '@/tests/db';
import { SMALL_SWEEP } from '@/tests/sweep-endpoints';
import { FACTORY_PASSWORD, makeUser } from '@/tests/factories';
import { listLockouts } from './list-lockouts';
import { signInWithPassword } from './sign-in';
import { findLockout, throttleSettings } from './throttle';

const noParams = { params: Promise.resolve({}) as Promise<Record<string, never>> };

function committed(actor?: Actor): Ctx {
  return {
    db: testDb().db,
    actor: actor ?? { id: '', email: 'system', name: 'system', role: 'admin', via: 'system' },
    log: logger(),
  };
}

// Distinct per test, so no test inherits another's counters.
const address = () => `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 6)}`;

/** The credentials POST the sign-in page sends, as next-auth's route receives it. */
function credentialsPost(email: string, from: string) {
  return new NextRequest('http://127.0.0.1:3000/api/auth/callback/credentials', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', [CLIENT_ADDRESS_HEADER]: from },
    body: new URLSearchParams({ email, password: 'whatever', csrfToken: 'x', json: 'true' }).toString(),
  });
}
const authParams = { params: Promise.resolve({ nextauth: ['callback', 'credentials'] }) };

function api(path: string, init: { method?: string; token: string; from?: string }) {
  return new NextRequest(`http://127.0.0.1:3000${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token}`, ...(init.from ? { [CLIENT_ADDRESS_HEADER]: init.from } : {}) },
  });
}

describe('sign-in throttling', () => {
  it('locks the account after 10 failures: the 11th attempt answers 429 with Retry-After, even with the right password', async () => {
    const user = await makeUser(committed());
    const from = address();
    const { maxFailures, windowSeconds } = throttleSettings();
    expect(maxFailures).toBe(10);
    // Through the credentials provider's authorize, as next-auth calls it (headers as a plain object).
    const provider = authOptions().providers.find((p) => p.id === 'credentials') as unknown as {
      options: {
        authorize(credentials: Record<string, string>, req: { headers: Record<string, string> }): Promise<unknown>;
      };
    };
    for (let i = 0; i < maxFailures; i++) {
      expect(
        await provider.options.authorize(
          { email: user.email, password: `wrong-${i}` },
          { headers: { [CLIENT_ADDRESS_HEADER]: from } },
        ),
      ).toBeNull();
    }
    expect(await findLockout(testDb().db, [{ scope: 'address', key: from }])).toBeGreaterThan(0);
    const res = await authRoute(credentialsPost(user.email.toUpperCase(), address()), authParams);
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const retry = Number(res.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(windowSeconds - 60);
    expect(retry).toBeLessThanOrEqual(windowSeconds);
    const body = (await res.json()) as { status: number; code: string; url: string };
    expect(body).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    // next-auth's client reads the error code from this URL (it must be absolute for it to parse).
    expect(new URL(body.url).searchParams.get('error')).toBe('TooManyAttempts');
    await expect(
      signInWithPassword(testDb().db, { email: user.email, password: FACTORY_PASSWORD, address: null }),
    ).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      retryAfterSeconds: expect.any(Number),
    });
  });

  it('locks the client address after 10 failures over many accounts', async () => {
    const from = address();
    for (let i = 0; i < 10; i++) {
      expect(
        await signInWithPassword(testDb().db, {
          email: `nobody-${i}-${randomUUID()}@test.local`,
          password: 'x-wrong-x',
          address: from,
        }),
      ).toBeNull();
    }
    const user = await makeUser(committed());
    const res = await authRoute(credentialsPost(user.email, from), authParams);
    expect(res.status).toBe(429);
    // The same account from elsewhere still signs in.
    expect(
      await signInWithPassword(testDb().db, { email: user.email, password: FACTORY_PASSWORD, address: address() }),
    ).toMatchObject({ id: user.id });
  });

  it('a successful sign-in resets the account counter', async () => {
    const user = await makeUser(committed());
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++)
        await signInWithPassword(testDb().db, { email: user.email, password: 'wrong-password', address: address() });
      expect(
        await signInWithPassword(testDb().db, { email: user.email, password: FACTORY_PASSWORD, address: address() }),
      ).toMatchObject({ id: user.id });
    }
  });

  it('a lockout survives a restart (a new database client) until an admin clears it, audited', async () => {
    const user = await makeUser(committed());
    const admin = await makeUser(committed(), { role: 'admin' });
    const from = address();
    for (let i = 0; i < 10; i++)
      await signInWithPassword(testDb().db, { email: user.email, password: 'wrong-password', address: from });

    const restarted = createDb(inject('databaseUrl'), { max: 1 });
    try {
      expect(await findLockout(restarted.db, [{ scope: 'account', key: user.email }])).toBeGreaterThan(0);
      await expect(
        signInWithPassword(restarted.db, { email: user.email, password: FACTORY_PASSWORD, address: null }),
      ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    } finally {
      await restarted.close();
    }

    const { token } = await createToken({ ctx: committed(admin), input: { name: 'admin' } });
    const listed = await listLockoutsRoute(api('/api/admin/lockouts', { token }), noParams);
    expect(listed.status).toBe(200);
    const rows = (await listed.json()) as { scope: string; key: string; failures: number }[];
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: 'account', key: user.email, failures: 10 }),
        expect.objectContaining({ scope: 'address', key: from }),
      ]),
    );

    const researcher = await makeUser(committed());
    const { token: weak } = await createToken({ ctx: committed(researcher), input: { name: 'x' } });
    expect((await listLockoutsRoute(api('/api/admin/lockouts', { token: weak }), noParams)).status).toBe(403);

    const query = new URLSearchParams({ scope: 'account', key: user.email.toUpperCase() });
    const cleared = await clearLockoutRoute(api(`/api/admin/lockouts?${query}`, { method: 'DELETE', token }), noParams);
    expect(cleared.status).toBe(200);
    expect(
      (await clearLockoutRoute(api(`/api/admin/lockouts?${query}`, { method: 'DELETE', token }), noParams)).status,
    ).toBe(404);
    const bad = await clearLockoutRoute(
      api('/api/admin/lockouts?scope=everyone&key=x', { method: 'DELETE', token }),
      noParams,
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([expect.objectContaining({ field: 'scope' })]);

    expect(
      await signInWithPassword(testDb().db, { email: user.email, password: FACTORY_PASSWORD, address: null }),
    ).toMatchObject({ id: user.id });
    const audit = await testDb().db.select().from(auditLog);
    expect(
      audit.some(
        (a) => a.action === 'auth.lockout.clear' && a.actorId === admin.id && a.target === `account:${user.email}`,
      ),
    ).toBe(true);
    // The address lock is separate and still listed.
    expect((await listLockouts({ ctx: committed(admin) })).some((l) => l.scope === 'address' && l.key === from)).toBe(
      true,
    );
  });
});

describe('Bearer token throttling', () => {
  it('locks an address out after 10 invalid tokens (the 11th answers 429), while valid tokens keep working', async () => {
    const from = address();
    for (let i = 0; i < 10; i++) {
      const res = await getMe(api('/api/me', { token: `gty_guess-${i}`, from }), noParams);
      expect(res.status).toBe(401);
    }
    const locked = await getMe(api('/api/me', { token: 'gty_guess-11', from }), noParams);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(await findLockout(testDb().db, [{ scope: 'token-address', key: from }])).toBeGreaterThan(0);
    // Malformed headers count too.
    expect(
      (
        await getMe(
          new NextRequest('http://127.0.0.1:3000/api/me', {
            headers: { authorization: 'Basic abc', [CLIENT_ADDRESS_HEADER]: from },
          }),
          noParams,
        )
      ).status,
    ).toBe(429);

    const user = await makeUser(committed());
    const { token } = await createToken({ ctx: committed(user), input: { name: 'script' } });
    expect((await getMe(api('/api/me', { token, from }), noParams)).status).toBe(200);
    // Another address is not affected.
    expect((await getMe(api('/api/me', { token: 'gty_guess', from: address() }), noParams)).status).toBe(401);
  });
});

describe('results token throttling', () => {
  it('counts wrong gbr_ tokens against the address like API tokens: 429 once locked, the right token still works', async () => {
    const from = address();
    const owner = await makeUser(committed(), { role: 'researcher' });
    const sweep = await createSweepDataset({
      ctx: committed(owner),
      input: { name: `throttled ${randomUUID()}`, definition: SMALL_SWEEP },
    });
    // A missing token is a mistake, not a guess: it answers 401 and is not counted.
    const bare = new NextRequest('http://127.0.0.1:3000/api/benchmarks/results', {
      headers: { [CLIENT_ADDRESS_HEADER]: from },
    });
    for (let i = 0; i < 12; i++) expect((await listStoredResults(bare, noParams)).status).toBe(401);
    expect(await findLockout(testDb().db, [{ scope: 'token-address', key: from }])).toBeNull();
    // Wrong tokens of either kind share one count per address.
    for (let i = 0; i < 5; i++)
      expect((await getMe(api('/api/me', { token: `gty_guess-${i}`, from }), noParams)).status).toBe(401);
    for (let i = 0; i < 5; i++)
      expect(
        (await listStoredResults(api('/api/benchmarks/results', { token: `gbr_guess-${i}`, from }), noParams)).status,
      ).toBe(401);
    const locked = await listStoredResults(api('/api/benchmarks/results', { token: 'gbr_guess-11', from }), noParams);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // The sweep's own token keeps working from the locked address (NAT: its steps share it).
    const ok = await listStoredResults(api('/api/benchmarks/results', { token: sweep.resultsToken, from }), noParams);
    expect(ok.status).toBe(200);
    expect(
      (await listStoredResults(api('/api/benchmarks/results', { token: 'gbr_guess', from: address() }), noParams))
        .status,
    ).toBe(401);
  });
});

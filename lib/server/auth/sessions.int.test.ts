// Sign-out, a password change, a role change and disabling end a user's sessions at once: the
// session JWT carries users.session_version, and the route wrapper compares it on every request.
import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { GET as getMe } from '@/app/api/me/route';
import { authOptions } from '@/lib/auth';
import { env } from '@/lib/env';
import { logger } from '@/lib/log';
import type { Actor, Ctx } from '@/lib/server/context';
import { updateUser } from '@/lib/server/users/update-user';
import { testDb } from '@/tests/db';
import { FACTORY_PASSWORD, makeUser } from '@/tests/factories';
import { findActiveActor } from './find-actor';
import { signInWithPassword } from './sign-in';

const noParams = { params: Promise.resolve({}) as Promise<Record<string, never>> };

// Users here are committed: the route wrapper reads through its own pool, not a test transaction.
function committed(actor?: Actor): Ctx {
  return {
    db: testDb().db,
    actor: actor ?? { id: '', email: 'system', name: 'system', role: 'admin', via: 'system' },
    log: logger(),
  };
}

/** A session cookie as next-auth issues it: the jwt callback's token, signed with the app's secret. */
async function signIn(email: string): Promise<string> {
  const actor = await signInWithPassword(testDb().db, { email, password: FACTORY_PASSWORD, address: null });
  expect(actor).not.toBeNull();
  const jwt = authOptions().callbacks!.jwt!;
  const token = await jwt({
    token: {},
    user: { id: actor!.id, sessionVersion: actor!.sessionVersion } as never,
    account: null,
    trigger: 'signIn',
  } as never);
  return `next-auth.session-token=${await encode({ token, secret: env().NEXTAUTH_SECRET! })}`;
}

async function meStatus(cookie: string): Promise<number> {
  const res = await getMe(new NextRequest('http://127.0.0.1:3000/api/me', { headers: { cookie } }), noParams);
  return res.status;
}

async function setup() {
  const admin = await makeUser(committed(), { role: 'admin' });
  const user = await makeUser(committed(), { role: 'researcher' });
  return { admin, user };
}

describe('ending sessions', () => {
  it('signing out ends every session of the user, and a new sign-in works', async () => {
    const { user } = await setup();
    const laptop = await signIn(user.email);
    const phone = await signIn(user.email);
    expect(await meStatus(laptop)).toBe(200);
    // What next-auth runs on POST /api/auth/signout, with the token of the session signing out.
    const jwt = authOptions().callbacks!.jwt!;
    const laptopToken = await jwt({ token: {}, user: { id: user.id, sessionVersion: 0 } as never, account: null });
    await authOptions().events!.signOut!({ token: laptopToken, session: null as never });
    expect(await meStatus(laptop)).toBe(401);
    expect(await meStatus(phone)).toBe(401);
    expect(await meStatus(await signIn(user.email))).toBe(200);
    // Signing out again with the ended session's token ends nothing more.
    const fresh = await signIn(user.email);
    await authOptions().events!.signOut!({ token: laptopToken, session: null as never });
    expect(await meStatus(fresh)).toBe(200);
  });

  it('a password change ends the sessions issued before it', async () => {
    const { admin, user } = await setup();
    const cookie = await signIn(user.email);
    await updateUser({ ctx: committed(admin), input: { id: user.id, password: 'a-new-password' } });
    expect(await meStatus(cookie)).toBe(401);
    expect(await findActiveActor(testDb().db, user.id, 'session', 0)).toBeNull();
    expect(await findActiveActor(testDb().db, user.id, 'session', 1)).toMatchObject({ id: user.id });
  });

  it('a role change ends the sessions issued before it; a name change does not', async () => {
    const { admin, user } = await setup();
    const cookie = await signIn(user.email);
    await updateUser({ ctx: committed(admin), input: { id: user.id, name: 'Renamed' } });
    expect(await meStatus(cookie)).toBe(200);
    await updateUser({ ctx: committed(admin), input: { id: user.id, role: 'viewer' } });
    expect(await meStatus(cookie)).toBe(401);
    const again = await signIn(user.email);
    expect(await meStatus(again)).toBe(200);
  });

  it('disabling ends the sessions, and re-enabling does not bring them back', async () => {
    const { admin, user } = await setup();
    const cookie = await signIn(user.email);
    await updateUser({ ctx: committed(admin), input: { id: user.id, disabled: true } });
    expect(await meStatus(cookie)).toBe(401);
    await updateUser({ ctx: committed(admin), input: { id: user.id, disabled: false } });
    expect(await meStatus(cookie)).toBe(401);
  });
});

import { describe, expect, it } from 'vitest';
import { as, withRollback } from '@/tests/db';
import { makeUser } from '@/tests/factories';
import { AppError } from '../errors';
import { authenticateToken } from './authenticate-token';
import { createToken } from './create-token';
import { listTokens } from './list-tokens';
import { revokeToken } from './revoke-token';

describe('API tokens', () => {
  it('creates a token shown once, stores only its hash, and authenticates with it', () =>
    withRollback(async (ctx) => {
      const user = await makeUser(ctx, { role: 'researcher' });
      const created = await createToken({ ctx: as(ctx, user), input: { name: 'ci' } });
      expect(created.token).toMatch(/^gty_[A-Za-z0-9_-]{43}$/);
      const listed = await listTokens({ ctx: as(ctx, user) });
      expect(listed).toHaveLength(1);
      expect(JSON.stringify(listed)).not.toContain(created.token);
      const actor = await authenticateToken(ctx.db, created.token);
      expect(actor).toMatchObject({ id: user.id, role: 'researcher', via: 'token' });
      expect((await listTokens({ ctx: as(ctx, user) }))[0].lastUsedAt).not.toBeNull();
    }));

  it('rejects unknown, malformed and revoked tokens', () =>
    withRollback(async (ctx) => {
      const user = await makeUser(ctx);
      const { token, id } = await createToken({ ctx: as(ctx, user), input: { name: 'x' } });
      expect(await authenticateToken(ctx.db, 'gty_nope')).toBeNull();
      expect(await authenticateToken(ctx.db, 'Bearer something')).toBeNull();
      await revokeToken({ ctx: as(ctx, user), input: { id } });
      expect(await authenticateToken(ctx.db, token)).toBeNull();
    }));

  it('answers each of many tokens checked at once', () =>
    withRollback(async (ctx) => {
      const alice = await makeUser(ctx, { role: 'researcher' });
      const bob = await makeUser(ctx, { role: 'viewer' });
      const a = await createToken({ ctx: as(ctx, alice), input: { name: 'a' } });
      const b = await createToken({ ctx: as(ctx, bob), input: { name: 'b' } });
      const revoked = await createToken({ ctx: as(ctx, bob), input: { name: 'old' } });
      await revokeToken({ ctx: as(ctx, bob), input: { id: revoked.id } });
      const answers = await Promise.all(
        [a.token, b.token, revoked.token, 'gty_unknown', a.token].map((t) => authenticateToken(ctx.db, t)),
      );
      expect(answers.map((x) => x?.id ?? null)).toEqual([alice.id, bob.id, null, null, alice.id]);
      expect(answers[1]).toMatchObject({ role: 'viewer', via: 'token' });
    }));

  it('refuses tokens of disabled users', () =>
    withRollback(async (ctx) => {
      const user = await makeUser(ctx, { disabled: true });
      const { token } = await createToken({ ctx: as(ctx, user), input: { name: 'x' } });
      expect(await authenticateToken(ctx.db, token)).toBeNull();
    }));

  it('names the bad field and stores nothing on invalid input', () =>
    withRollback(async (ctx) => {
      const user = await makeUser(ctx);
      const err = await createToken({ ctx: as(ctx, user), input: { name: '   ' } }).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('INVALID');
      expect(err.fields).toEqual([{ field: 'name', message: 'Give the token a name' }]);
      expect(await listTokens({ ctx: as(ctx, user) })).toHaveLength(0);
    }));

  it("never lets one user revoke or list another user's token", () =>
    withRollback(async (ctx) => {
      const alice = await makeUser(ctx);
      const bob = await makeUser(ctx);
      const { id } = await createToken({ ctx: as(ctx, alice), input: { name: 'a' } });
      await expect(revokeToken({ ctx: as(ctx, bob), input: { id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await listTokens({ ctx: as(ctx, bob) })).toHaveLength(0);
    }));
});

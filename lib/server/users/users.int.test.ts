import { describe, expect, it } from 'vitest';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { verifyCredentials } from '../auth/verify-credentials';
import { createUser } from './create-user';
import { listUsers } from './list-users';
import { updateUser } from './update-user';
import { auditLog } from '@/lib/db/schema';

describe('users and roles', () => {
  it('lets an admin create a user in a team, who can then sign in', () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin' });
      const team = await makeTeam(ctx);
      const created = await createUser({
        ctx: as(ctx, admin),
        input: {
          email: 'New.Person@Example.com',
          name: 'New',
          role: 'viewer',
          password: 'long-enough',
          teams: [team.slug],
        },
      });
      expect(created).toMatchObject({ email: 'new.person@example.com', role: 'viewer', teams: [{ slug: team.slug }] });
      expect(await verifyCredentials(ctx.db, 'NEW.person@example.com', 'long-enough')).toMatchObject({
        id: created.id,
      });
      expect(await verifyCredentials(ctx.db, 'new.person@example.com', 'wrong-password')).toBeNull();
      const audit = await ctx.db.select().from(auditLog);
      expect(audit.some((a) => a.action === 'user.create' && a.actorId === admin.id)).toBe(true);
    }));

  it('forbids researchers and viewers from admin verbs', () =>
    withRollback(async (ctx) => {
      for (const role of ['researcher', 'viewer'] as const) {
        const u = await makeUser(ctx, { role });
        await expect(listUsers({ ctx: as(ctx, u) })).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(
          createUser({ ctx: as(ctx, u), input: { email: 'x@y.z', name: 'x', role: 'admin', password: '12345678' } }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      }
    }));

  it('rejects duplicate emails case-insensitively and unknown teams without writing anything', () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin', email: 'boss@test.local' });
      await expect(
        createUser({
          ctx: as(ctx, admin),
          input: { email: 'BOSS@test.local', name: 'b', role: 'viewer', password: '12345678' },
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT', fields: [{ field: 'email' }] });
      await expect(
        createUser({
          ctx: as(ctx, admin),
          input: { email: 'n@test.local', name: 'n', role: 'viewer', password: '12345678', teams: ['nope'] },
        }),
      ).rejects.toMatchObject({ code: 'INVALID', fields: [{ field: 'teams' }] });
      const emails = (await listUsers({ ctx: as(ctx, admin) })).map((u) => u.email);
      expect(emails).not.toContain('n@test.local');
    }));

  it('keeps at least one active admin', () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin' });
      const { users } = await import('@/lib/db/schema');
      const { ne, eq, and } = await import('drizzle-orm');
      // Make this the only admin for the duration of the test (rolled back afterwards).
      await ctx.db
        .update(users)
        .set({ role: 'viewer' })
        .where(and(eq(users.role, 'admin'), ne(users.id, admin.id)));
      await expect(updateUser({ ctx: as(ctx, admin), input: { id: admin.id, role: 'viewer' } })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      const other = await makeUser(ctx, { role: 'admin' });
      const demoted = await updateUser({ ctx: as(ctx, other), input: { id: admin.id, role: 'viewer' } });
      expect(demoted.role).toBe('viewer');
    }));

  it('a disabled user cannot sign in', () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin' });
      const u = await makeUser(ctx, { role: 'researcher' });
      await updateUser({ ctx: as(ctx, admin), input: { id: u.id, disabled: true } });
      expect(await verifyCredentials(ctx.db, u.email, 'factory-password')).toBeNull();
    }));
});

describe('user updates', () => {
  it('a PATCH with only teams changes the teams; an empty one is a 400 naming the body', () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin' });
      const team = await makeTeam(ctx);
      const u = await makeUser(ctx, { role: 'researcher' });
      const updated = await updateUser({ ctx: as(ctx, admin), input: { id: u.id, teams: [team.slug] } });
      expect(updated.teams).toEqual([expect.objectContaining({ slug: team.slug, name: team.name })]);
      expect((await updateUser({ ctx: as(ctx, admin), input: { id: u.id, teams: [] } })).teams).toEqual([]);
      await expect(updateUser({ ctx: as(ctx, admin), input: { id: u.id } })).rejects.toMatchObject({
        code: 'INVALID',
        fields: [{ field: '(body)', message: expect.stringContaining('Nothing to change') }],
      });
    }));

  it('refuses passwords over 72 bytes of UTF-8 naming the field, and sign-in never truncates', () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin' });
      // 36 two-byte characters: 36 characters, 72 bytes, accepted; one more is 74 bytes.
      const exact = 'é'.repeat(36);
      const created = await createUser({
        ctx: as(ctx, admin),
        input: { email: 'long@test.local', name: 'L', role: 'viewer', password: exact },
      });
      expect(await verifyCredentials(ctx.db, 'long@test.local', exact)).toMatchObject({ id: created.id });
      // bcrypt alone would accept this: its first 72 bytes are the password.
      expect(await verifyCredentials(ctx.db, 'long@test.local', `${exact}tail`)).toBeNull();
      for (const verb of [
        () =>
          createUser({
            ctx: as(ctx, admin),
            input: { email: 'longer@test.local', name: 'L', role: 'viewer', password: `${exact}é` },
          }),
        () => updateUser({ ctx: as(ctx, admin), input: { id: created.id, password: 'x'.repeat(73) } }),
      ]) {
        await expect(verb()).rejects.toMatchObject({
          code: 'INVALID',
          fields: [{ field: 'password', message: expect.stringContaining('72 bytes') }],
        });
      }
    }));
});

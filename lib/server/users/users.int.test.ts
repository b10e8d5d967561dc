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
        input: { email: 'New.Person@Example.com', name: 'New', role: 'viewer', password: 'long-enough', teams: [team.slug] },
      });
      expect(created).toMatchObject({ email: 'new.person@example.com', role: 'viewer', teams: [{ slug: team.slug }] });
      expect(await verifyCredentials(ctx.db, 'NEW.person@example.com', 'long-enough')).toMatchObject({ id: created.id });
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
        createUser({ ctx: as(ctx, admin), input: { email: 'BOSS@test.local', name: 'b', role: 'viewer', password: '12345678' } }),
      ).rejects.toMatchObject({ code: 'CONFLICT', fields: [{ field: 'email' }] });
      await expect(
        createUser({ ctx: as(ctx, admin), input: { email: 'n@test.local', name: 'n', role: 'viewer', password: '12345678', teams: ['nope'] } }),
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
      await ctx.db.update(users).set({ role: 'viewer' }).where(and(eq(users.role, 'admin'), ne(users.id, admin.id)));
      await expect(updateUser({ ctx: as(ctx, admin), input: { id: admin.id, role: 'viewer' } })).rejects.toMatchObject({ code: 'CONFLICT' });
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

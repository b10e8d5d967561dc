import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { memberships, users } from '@/lib/db/schema';
import { withRollback } from '@/tests/db';
import { verifyCredentials } from '../auth/verify-credentials';
import { bootstrap, DEMO_PASSWORD, DEMO_USERS } from './bootstrap';

describe('bootstrap on a fresh database', () => {
  it('creates the admin with a generated password, seeds demo users, and does nothing the second time', () =>
    withRollback(async (ctx) => {
      await ctx.db.delete(users);
      const db = ctx.db as unknown as Db;
      const first = await bootstrap(db, { adminEmail: 'Root@Gantry.local', demo: true });
      expect(first).toMatchObject({ adminCreated: true, demoSeeded: true });
      expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(await verifyCredentials(ctx.db, 'root@gantry.local', first.generatedPassword!)).toMatchObject({
        role: 'admin',
      });
      for (const u of DEMO_USERS) {
        expect(await verifyCredentials(ctx.db, u.email, DEMO_PASSWORD)).toMatchObject({ role: u.role });
      }
      const [{ n }] = await ctx.db.select({ n: count() }).from(memberships);
      expect(n).toBe(DEMO_USERS.length);
      // Same password, distinct salts: nothing in the table shows the demo accounts share it.
      const hashes = (await ctx.db.select({ email: users.email, hash: users.passwordHash }).from(users))
        .filter((u) => DEMO_USERS.some((d) => d.email === u.email))
        .map((u) => u.hash);
      expect(hashes).toHaveLength(DEMO_USERS.length);
      expect(new Set(hashes).size).toBe(DEMO_USERS.length);
      const second = await bootstrap(db, { adminEmail: 'root@gantry.local', demo: true });
      expect(second).toEqual({ adminCreated: false, demoSeeded: false });
    }));

  it('uses the configured admin password and skips demo data when asked', () =>
    withRollback(async (ctx) => {
      await ctx.db.delete(users);
      const result = await bootstrap(ctx.db, { adminEmail: 'a@b.c', adminPassword: 'configured-pw', demo: false });
      expect(result).toEqual({ adminCreated: true, generatedPassword: undefined, demoSeeded: false });
      expect(await verifyCredentials(ctx.db, 'a@b.c', 'configured-pw')).not.toBeNull();
      const [{ n }] = await ctx.db.select({ n: count() }).from(users);
      expect(n).toBe(1);
    }));
});

import { randomBytes } from 'node:crypto';
import { count, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { memberships, quotas, teams, users } from '@/lib/db/schema';
import { hashPassword } from '../auth/passwords';

// Demo accounts for the embedded setup; the README lists them. Never seeded unless GANTRY_DEMO is on.
export const DEMO_PASSWORD = 'gantry-demo';
const DEMO_TEAMS = [
  { slug: 'vision', name: 'Vision', cohort: 'research' },
  { slug: 'nlp', name: 'NLP', cohort: 'research' },
  { slug: 'inference', name: 'Inference platform', cohort: 'production' },
];
export const DEMO_USERS = [
  { email: 'ada@gantry.local', name: 'Ada Lovelace', role: 'researcher' as const, teams: ['vision'] },
  { email: 'grace@gantry.local', name: 'Grace Hopper', role: 'researcher' as const, teams: ['nlp'] },
  { email: 'linus@gantry.local', name: 'Linus Pauling', role: 'researcher' as const, teams: ['inference'] },
  { email: 'vera@gantry.local', name: 'Vera Rubin', role: 'viewer' as const, teams: ['vision'] },
];

// Demo quotas (team, GPU kind ids as the simulated cluster advertises them), so the queue admits
// and explains from the first start; admins change them under Admin -> Quotas.
const DEMO_QUOTAS = [
  { team: 'vision', gpuKind: 'a100-80gb-shared', guaranteed: 16, borrowingLimit: 16, weeklyGpuHours: null },
  { team: 'nlp', gpuKind: 'a100-80gb-shared', guaranteed: 16, borrowingLimit: 16, weeklyGpuHours: null },
  { team: 'vision', gpuKind: 'h100-80gb-shared', guaranteed: 8, borrowingLimit: 8, weeklyGpuHours: 2000 },
  { team: 'nlp', gpuKind: 'h100-80gb-shared', guaranteed: 8, borrowingLimit: 8, weeklyGpuHours: 2000 },
  { team: 'vision', gpuKind: 't4', guaranteed: 4, borrowingLimit: 4, weeklyGpuHours: null },
  { team: 'inference', gpuKind: 'a100-80gb-mig-1g.10gb', guaranteed: 16, borrowingLimit: 0, weeklyGpuHours: null },
  { team: 'inference', gpuKind: 'a100-80gb-mig-3g.40gb', guaranteed: 8, borrowingLimit: 0, weeklyGpuHours: null },
];

export interface BootstrapResult {
  adminCreated: boolean;
  generatedPassword?: string;
  demoSeeded: boolean;
}

/**
 * On a fresh database, creates the first admin (and the demo data when asked). Runs under an
 * advisory lock so the web server and the worker starting together cannot both create one.
 */
export async function bootstrap(
  db: Db,
  opts: { adminEmail: string; adminPassword?: string; demo: boolean },
): Promise<BootstrapResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7242002)`);
    const [{ n }] = await tx.select({ n: count() }).from(users);
    if (n > 0) return { adminCreated: false, demoSeeded: false };

    const generatedPassword = opts.adminPassword ? undefined : randomBytes(12).toString('base64url');
    const password = opts.adminPassword ?? generatedPassword!;
    await tx.insert(users).values({
      email: opts.adminEmail.toLowerCase(),
      name: 'Administrator',
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
    if (!opts.demo) return { adminCreated: true, generatedPassword, demoSeeded: false };

    const teamRows = await tx.insert(teams).values(DEMO_TEAMS).returning();
    // One hash per user: a shared hash shares its salt, which tells anyone reading the table that
    // these accounts have the same password.
    const demoHashes = await Promise.all(DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD)));
    for (const [i, u] of DEMO_USERS.entries()) {
      const [row] = await tx
        .insert(users)
        .values({ email: u.email, name: u.name, role: u.role, passwordHash: demoHashes[i] })
        .returning();
      const links = teamRows.filter((t) => u.teams.includes(t.slug)).map((t) => ({ userId: row.id, teamId: t.id }));
      await tx.insert(memberships).values(links);
    }
    const teamId = new Map(teamRows.map((t) => [t.slug, t.id]));
    await tx.insert(quotas).values(DEMO_QUOTAS.map(({ team, ...q }) => ({ ...q, teamId: teamId.get(team)! })));
    return { adminCreated: true, generatedPassword, demoSeeded: true };
  });
}

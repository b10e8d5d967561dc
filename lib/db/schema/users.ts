import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const roleEnum = pgEnum('role', ['admin', 'researcher', 'viewer']);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    role: roleEnum('role').notNull().default('researcher'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    // Sessions are JWTs carrying this number; bumping it (sign-out, password or role change,
    // disabling) ends every session issued before, since each request compares the two.
    sessionVersion: integer('session_version').notNull().default(0),
  },
  // Emails compare case-insensitively: Ada@x and ada@x are one account.
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

// Pod Security Standards level a team's workloads are checked against (lib/domain/tenancy.ts).
export const podSecurityLevelEnum = pgEnum('pod_security_level', ['baseline', 'restricted']);

export const teams = pgTable('teams', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  cohort: text('cohort'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  // An existing namespace the team's work runs in; null means gantry-<slug>.
  namespace: text('namespace'),
  podSecurity: podSecurityLevelEnum('pod_security').notNull().default('baseline'),
  // Secrets in the team's namespace its workloads may reference, besides the ones Gantry creates.
  allowedSecrets: text('allowed_secrets')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
});

export const memberships = pgTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // 'manual' (set by an admin) or 'oidc' (set from the identity provider's groups at sign-in).
    source: text('source').notNull().default('manual'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.teamId] }), index('memberships_team_idx').on(t.teamId)],
);

// Identity-provider groups to Gantry teams and role (OIDC_GROUP_MAP). Pure: lib/env.ts parses the
// setting with parseGroupMap, and the sign-in verb resolves a user's groups with resolveGroupAccess.

const GANTRY_ROLES = ['viewer', 'researcher', 'admin'] as const;
export type GantryRole = (typeof GANTRY_ROLES)[number];

/** One `group=team:role` entry; team '*' grants the role without a team (admin-only mappings). */
export interface GroupMapping {
  group: string;
  team: string | '*';
  role: GantryRole;
}

const ENTRY = /^([^=\s]+)=([a-z0-9][a-z0-9-]*|\*):([a-z]+)$/;

/**
 * Parses `group=team:role` entries separated by commas or newlines. Returns the mappings, or the
 * list of bad entries with what is wrong, so the caller can name the variable.
 */
export function parseGroupMap(text: string): { ok: true; mappings: GroupMapping[] } | { ok: false; errors: string[] } {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  const mappings: GroupMapping[] = [];
  const errors: string[] = [];
  for (const entry of entries) {
    const m = ENTRY.exec(entry);
    if (!m) {
      errors.push(`"${entry}" is not group=team:role (team a slug or *)`);
      continue;
    }
    const role = m[3] as GantryRole;
    if (!GANTRY_ROLES.includes(role)) {
      errors.push(`"${entry}": role must be one of ${GANTRY_ROLES.join(', ')}`);
      continue;
    }
    mappings.push({ group: m[1], team: m[2], role });
  }
  return errors.length ? { ok: false, errors } : { ok: true, mappings };
}

/** What a user's groups give them: null role means no access at all. */
export interface GroupAccess {
  role: GantryRole | null;
  teams: string[];
  /** True when at least one mapping matched (false: the default role applied). */
  mapped: boolean;
}

/**
 * The highest role among the matched entries wins, since a person in both `ml-users` and
 * `gantry-admins` is an admin; without a match the default role applies ('none': no access).
 * Group names compare exactly, as providers treat them.
 */
export function resolveGroupAccess(
  groups: readonly string[],
  mappings: readonly GroupMapping[],
  defaultRole: GantryRole | 'none',
): GroupAccess {
  const have = new Set(groups);
  const matched = mappings.filter((m) => have.has(m.group));
  if (!matched.length) return { role: defaultRole === 'none' ? null : defaultRole, teams: [], mapped: false };
  const role = matched.reduce<GantryRole>(
    (best, m) => (GANTRY_ROLES.indexOf(m.role) > GANTRY_ROLES.indexOf(best) ? m.role : best),
    'viewer',
  );
  const teams = [...new Set(matched.filter((m) => m.team !== '*').map((m) => m.team))].sort();
  return { role, teams, mapped: true };
}

/**
 * Reads a groups claim the way providers send it: an array of strings (Keycloak, Okta, Dex, Entra),
 * or one space/comma separated string; anything else counts as no groups.
 */
export function readGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string' && g.length > 0);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

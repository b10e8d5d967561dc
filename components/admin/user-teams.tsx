import type { UserRow } from './users-panel';

/** A user's teams; those set from the identity provider's groups are marked, since a manual change would not stick. */
export function UserTeams({ teams }: { teams: UserRow['teams'] }) {
  if (!teams.length) return <>—</>;
  return (
    <ul className="flex flex-wrap gap-x-2">
      {teams.map((t) => (
        <li key={t.slug}>
          {t.slug}
          {t.source === 'oidc' && (
            <span
              className="ml-1 rounded bg-indigo-100 px-1 text-xs text-indigo-800 dark:bg-indigo-900 dark:text-indigo-200"
              title="Set from the identity provider's groups at sign-in"
            >
              SSO
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

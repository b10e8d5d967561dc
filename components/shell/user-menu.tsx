'use client';
import Link from 'next/link';
import { signOut } from 'next-auth/react';
import type { ShellUser } from './shell';

/**
 * Signs out of Gantry, then, with OIDC_LOGOUT=provider, out of the identity provider too: the
 * provider's end-session URL must be asked for before the session cookie is gone.
 */
async function signOutEverywhere() {
  const provider = await fetch('/api/auth/end-session', { headers: { accept: 'application/json' } })
    .then(async (r) => (r.ok ? ((await r.json()) as { url: string | null }).url : null))
    .catch(() => null);
  if (!provider) return signOut({ callbackUrl: '/signin' });
  await signOut({ redirect: false });
  window.location.assign(provider);
}

export function UserMenu({ user }: { user: ShellUser }) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <Link href="/settings" className="hidden text-right sm:block" title="Your account and API tokens">
        <span className="block font-medium" data-testid="user-name">
          {user.name}
        </span>
        <span className="block text-xs text-slate-500 dark:text-slate-400">
          {user.email} · <span data-testid="user-role">{user.role}</span>
        </span>
      </Link>
      <button
        type="button"
        onClick={() => void signOutEverywhere()}
        className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        Sign out
      </button>
    </div>
  );
}

'use client';
import Link from 'next/link';
import { signOut } from 'next-auth/react';
import type { ShellUser } from './shell';

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
        onClick={() => signOut({ callbackUrl: '/signin' })}
        className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        Sign out
      </button>
    </div>
  );
}

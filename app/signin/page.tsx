import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { SignInForm } from '@/components/auth/signin-form';
import { oidcEnabled, passwordSignInEnabled } from '@/lib/auth';
import { env } from '@/lib/env';
import { currentActor } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage() {
  if (await currentActor()) redirect('/');
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-2xl font-bold tracking-tight">Sign in to Gantry</h1>
        <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">The console for your GPU cluster.</p>
        <Suspense>
          <SignInForm oidcName={oidcEnabled() ? env().OIDC_NAME : null} passwordSignIn={passwordSignInEnabled()} />
        </Suspense>
      </div>
    </main>
  );
}

'use client';
import { signIn } from 'next-auth/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

export function SignInForm({ oidcName }: { oidcName: string | null }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(params.get('error') ? 'Sign-in failed. Try again.' : null);
  const [busy, setBusy] = useState(false);
  // Only same-site paths: an open redirect would let a link send users elsewhere after sign-in.
  const next = params.get('callbackUrl')?.startsWith('/') ? params.get('callbackUrl')! : '/';

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn('credentials', { email: form.get('email'), password: form.get('password'), redirect: false });
    setBusy(false);
    if (res?.ok && !res.error) {
      router.replace(next);
      router.refresh();
    } else {
      setError('Wrong email or password.');
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <Button type="submit" className="w-full" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
      {oidcName && (
        <Button type="button" variant="secondary" className="w-full" onClick={() => signIn('oidc', { callbackUrl: next })}>
          Sign in with {oidcName}
        </Button>
      )}
    </form>
  );
}

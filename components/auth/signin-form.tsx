'use client';
import { signIn } from 'next-auth/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { sameOriginPath } from '@/lib/http/redirect-target';
import { signInErrorMessage } from './signin-error';

/** `passwordSignIn` false (GANTRY_PASSWORD_SIGNIN=off with a provider) leaves only the provider's button. */
export function SignInForm({ oidcName, passwordSignIn = true }: { oidcName: string | null; passwordSignIn?: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(signInErrorMessage(params.get('error'), oidcName));
  const [busy, setBusy] = useState(false);
  // Only paths on this origin: an open redirect would let a link send users elsewhere after sign-in.
  const next = sameOriginPath(params.get('callbackUrl'));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn('credentials', {
      email: form.get('email'),
      password: form.get('password'),
      redirect: false,
    });
    setBusy(false);
    if (res?.ok && !res.error) {
      router.replace(next);
      router.refresh();
    } else {
      // A lockout (429 from the auth route) comes back as this code; anything else reads the same.
      setError(res?.error === 'TooManyAttempts' ? signInErrorMessage(res.error, null) : 'Wrong email or password.');
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {passwordSignIn && (
        <>
          <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        </>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {passwordSignIn && (
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      )}
      {oidcName && (
        <Button
          type="button"
          variant={passwordSignIn ? 'secondary' : 'primary'}
          className="w-full"
          onClick={() => signIn('oidc', { callbackUrl: next })}
        >
          Sign in with {oidcName}
        </Button>
      )}
    </form>
  );
}

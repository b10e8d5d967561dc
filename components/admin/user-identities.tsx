'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, apiFetch } from '@/components/api';
import { userKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

interface Identity {
  issuer: string;
  subject: string;
  email: string | null;
  lastSignInAt: string | null;
}

/**
 * A user's single sign-on identities (issuer, subject) with unlink, and a form to link one: how an
 * admin moves a local account to SSO without trusting the provider's email. Both are audited.
 */
export function UserIdentities({ userId, email, issuer }: { userId: string; email: string; issuer: string | null }) {
  const qc = useQueryClient();
  const base = `/api/admin/users/${userId}/identities`;
  const identities = useQuery({ queryKey: userKeys.identities(userId), queryFn: () => apiFetch<Identity[]>(base) });
  const [linkIssuer, setLinkIssuer] = useState(issuer ?? '');
  const [subject, setSubject] = useState('');
  const onDone = (rows: Identity[]) => qc.setQueryData(userKeys.identities(userId), rows);
  const link = useMutation({
    mutationFn: () => apiFetch<Identity[]>(base, { method: 'POST', json: { issuer: linkIssuer, subject } }),
    onSuccess: (rows) => {
      onDone(rows);
      setSubject('');
    },
  });
  const unlink = useMutation({
    mutationFn: (i: Identity) =>
      apiFetch<Identity[]>(`${base}?${new URLSearchParams({ issuer: i.issuer, subject: i.subject })}`, {
        method: 'DELETE',
      }),
    onSuccess: onDone,
  });
  const fieldError = (f: string) => (link.error instanceof ApiError ? link.error.fieldMessage(f) : undefined);

  function onLink(e: FormEvent) {
    e.preventDefault();
    link.mutate();
  }

  return (
    <section aria-label={`Sign-in identities of ${email}`} className="space-y-3 py-2 text-sm">
      {identities.isPending && <p>Loading identities…</p>}
      {identities.isError && <p role="alert">Could not load identities: {identities.error.message}</p>}
      {identities.data?.length === 0 && (
        <p className="text-slate-500">No single sign-on identity: password sign-in only.</p>
      )}
      {identities.data && identities.data.length > 0 && (
        <ul className="space-y-1">
          {identities.data.map((i) => (
            <li key={`${i.issuer} ${i.subject}`} data-testid="identity" className="flex flex-wrap items-center gap-2">
              <code>{i.subject}</code>
              <span className="text-slate-500">at {i.issuer}</span>
              {i.email && <span>({i.email})</span>}
              <span className="text-slate-500">
                {i.lastSignInAt ? `last sign-in ${new Date(i.lastSignInAt).toLocaleString()}` : 'never signed in'}
              </span>
              <button
                type="button"
                className="underline"
                aria-label={`Unlink ${i.subject} from ${email}`}
                onClick={() => unlink.mutate(i)}
              >
                unlink
              </button>
            </li>
          ))}
        </ul>
      )}
      {unlink.isError && <p role="alert">{unlink.error.message}</p>}
      <form onSubmit={onLink} className="grid gap-2 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
        <TextField
          label="Issuer"
          value={linkIssuer}
          onChange={(e) => setLinkIssuer(e.target.value)}
          error={fieldError('issuer')}
        />
        <TextField
          label="Subject"
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          error={fieldError('subject')}
        />
        <Button type="submit" variant="secondary" disabled={link.isPending}>
          Link identity
        </Button>
      </form>
      {link.isError && !fieldError('issuer') && !fieldError('subject') && <p role="alert">{link.error.message}</p>}
    </section>
  );
}

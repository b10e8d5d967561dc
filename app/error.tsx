'use client';
// The error boundary of every page below the root layout. A database outage (its digest, set by
// lib/db/unavailable.ts rethrowForPage) shows as such and retries by itself until the database is
// back; any other failure gets a retry button and the digest that finds it in the server log.
import { useEffect } from 'react';
import { Button } from '@/components/ui/button';
import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/db/unavailable-digest';

const RETRY_MS = 5_000;

export default function ErrorPage({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const unavailable = error.digest === DATABASE_UNAVAILABLE_DIGEST;
  useEffect(() => {
    if (!unavailable) return;
    const timer = setInterval(retry, RETRY_MS);
    return () => clearInterval(timer);
  }, [unavailable, retry]);
  return (
    <main className="flex min-h-[60vh] items-center justify-center px-4">
      <div role="alert" className="max-w-md text-center">
        <h1 className="text-2xl font-bold">
          {unavailable ? 'Database unavailable, retrying' : 'This page could not be shown'}
        </h1>
        <p className="mt-2 text-slate-600 dark:text-slate-400">
          {unavailable
            ? `Gantry cannot reach its database right now. This page tries again every ${RETRY_MS / 1000} seconds and comes back by itself once the database answers.`
            : 'Something went wrong on the server. Try again; if it keeps failing, an administrator can find it in the server log by this reference:'}
        </p>
        {!unavailable && error.digest && <code className="mt-2 block text-sm">{error.digest}</code>}
        <Button className="mt-6" variant="secondary" onClick={retry}>
          Try again now
        </Button>
      </div>
    </main>
  );
}

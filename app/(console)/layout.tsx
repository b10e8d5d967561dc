import type { ReactNode } from 'react';
import { Shell } from '@/components/shell/shell';
import { rethrowForPage } from '@/lib/db/unavailable';
import { requirePageCtx } from '@/lib/http/session';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // Every console page signs its visitor in here first: during a database outage this is where
  // it fails, and app/error.tsx then says so (and retries) instead of a generic error.
  const { actor } = await requirePageCtx('viewer').catch(rethrowForPage);
  return <Shell user={{ name: actor.name, email: actor.email, role: actor.role }}>{children}</Shell>;
}

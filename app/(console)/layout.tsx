import type { ReactNode } from 'react';
import { Shell } from '@/components/shell/shell';
import { requirePageCtx } from '@/lib/http/session';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { actor } = await requirePageCtx('viewer');
  return <Shell user={{ name: actor.name, email: actor.email, role: actor.role }}>{children}</Shell>;
}

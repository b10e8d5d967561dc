import { headers } from 'next/headers';
import { env } from '@/lib/env';

/**
 * The origin share links are opened at, for absolute OpenGraph URLs (chat unfurls need them): the
 * configured public URL, else the address the visitor or unfurl bot used.
 */
export async function resolvePublicOrigin(): Promise<URL> {
  const configured = env().NEXTAUTH_URL;
  if (configured) return new URL(configured);
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host');
  return new URL(host ? `${h.get('x-forwarded-proto') ?? 'http'}://${host}` : 'http://localhost');
}

import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { resolvePublicOrigin } from './origin';

// metadataBase is set here, above the [token] segment, so Next resolves the segment's
// opengraph-image to an absolute URL on this host rather than its localhost fallback.
export async function generateMetadata(): Promise<Metadata> {
  return { metadataBase: await resolvePublicOrigin(), robots: { index: false, follow: false } };
}

export default function ShareLayout({ children }: { children: ReactNode }) {
  return children;
}

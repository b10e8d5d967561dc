// GET /share/<token> - a shared benchmark ranking, readable without signing in
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SharedRanking } from '@/components/benchmarks/share/shared-ranking';
import { describeSharedRanking } from '@/components/benchmarks/share/describe';
import { loadSharedRanking } from './load';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const shared = await loadSharedRanking((await params).token);
  if (!shared) return { title: 'Link not found' };
  const description = describeSharedRanking(shared.snapshot);
  return {
    title: shared.title,
    description,
    openGraph: { title: shared.title, description, type: 'article', siteName: 'Gantry' },
    twitter: { card: 'summary_large_image', title: shared.title, description },
  };
}

export default async function SharePage({ params }: Props) {
  const shared = await loadSharedRanking((await params).token);
  if (!shared) notFound();
  return <SharedRanking {...shared} />;
}

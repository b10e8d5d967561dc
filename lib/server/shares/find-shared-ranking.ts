import { and, eq, isNull } from 'drizzle-orm';
import type { ShareSnapshot } from '@/lib/domain/benchmarks/ranking-settings';
import { shareLinks } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { hashShareToken } from './create-share';

export interface SharedRanking {
  title: string;
  createdAt: string;
  snapshot: ShareSnapshot;
}

/** The public view of a share link; null for unknown and revoked links alike (both are a 404). */
export async function findSharedRanking({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<SharedRanking | null> {
  const token = typeof input?.token === 'string' ? input.token : '';
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await ctx.db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.tokenHash, hashShareToken(token)), isNull(shareLinks.revokedAt)));
  return row ? { title: row.title, createdAt: row.createdAt.toISOString(), snapshot: row.snapshot } : null;
}

import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { shareLinks } from '@/lib/db/schema';

export interface ShareView {
  id: string;
  title: string;
  datasetId: string | null;
  settings: RankingSettings;
  rowCount: number;
  createdAt: string;
  revokedAt: string | null;
}

export function toShareView(row: typeof shareLinks.$inferSelect): ShareView {
  return {
    id: row.id,
    title: row.title,
    datasetId: row.datasetId,
    settings: row.snapshot.settings,
    rowCount: row.snapshot.rows.length,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

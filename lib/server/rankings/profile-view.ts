import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { rankingProfiles } from '@/lib/db/schema';

export interface RankingProfileView {
  id: string;
  name: string;
  settings: RankingSettings;
  createdAt: string;
  updatedAt: string;
}

export function toProfileView(row: typeof rankingProfiles.$inferSelect): RankingProfileView {
  return {
    id: row.id,
    name: row.name,
    settings: {
      criteria: row.criteria,
      weights: row.weights,
      directions: row.directions,
      normalization: row.normalization,
      constraints: row.constraints,
    },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

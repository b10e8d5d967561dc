'use client';
import { useMemo } from 'react';
import { explainExclusion, formatResultLabel } from '@/lib/domain/benchmarks/ranking-settings';
import type { MetricKey } from '@/lib/domain/benchmarks/results';
import type { LocalRanking } from './use-local-ranking';
import type { ResultRow } from '../types';

export type SortKey = 'rank' | 'label' | MetricKey;

export interface TableRow {
  result: ResultRow;
  label: string;
  rank: number | null;
  closeness: number | null;
  paretoRank: number | null;
  /** why it is unranked: a missing criterion or a violated constraint */
  why: string | null;
}

export interface TableQuery {
  sort: SortKey;
  descending: boolean;
  filter: string;
  rankedOnly: boolean;
}

/** Joins results with the local ranking, then filters and sorts (unranked and missing values last). */
export function useTableRows(results: readonly ResultRow[], ranking: LocalRanking, q: TableQuery): TableRow[] {
  const all = useMemo(
    () =>
      results.map((result, i): TableRow => {
        const row = ranking.rowOf[i];
        const rank = row >= 0 ? ranking.scored.rank[row] : null;
        return {
          result,
          label: formatResultLabel(result),
          rank,
          closeness: row >= 0 ? ranking.scored.closeness[row] : null,
          paretoRank: row >= 0 ? ranking.scored.paretoRank[row] : null,
          why:
            row < 0
              ? 'lacks a chosen criterion'
              : rank === null
                ? explainExclusion(ranking.prepared, row).join('; ')
                : null,
        };
      }),
    [results, ranking],
  );
  return useMemo(() => {
    const needle = q.filter.trim().toLowerCase();
    const kept = all.filter(
      (r) => (!q.rankedOnly || r.rank !== null) && (!needle || r.label.toLowerCase().includes(needle)),
    );
    const value = (r: TableRow): number | string | undefined =>
      q.sort === 'rank' ? (r.rank ?? undefined) : q.sort === 'label' ? r.label : r.result.metrics[q.sort];
    const sign = q.descending ? -1 : 1;
    return kept.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === undefined || vb === undefined) return va === vb ? 0 : va === undefined ? 1 : -1;
      return (va < vb ? -1 : va > vb ? 1 : 0) * sign;
    });
  }, [all, q.filter, q.rankedOnly, q.sort, q.descending]);
}

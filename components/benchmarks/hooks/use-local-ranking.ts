'use client';
import { useMemo } from 'react';
import {
  prepareResultRanking,
  scoreResultRanking,
  type PreparedResultRanking,
  type RankingSettings,
  type ScoredResultRanking,
} from '@/lib/domain/benchmarks/ranking-settings';
import type { ResultRow } from '../types';

export interface LocalRanking {
  prepared: PreparedResultRanking;
  scored: ScoredResultRanking;
  /** per result index: its matrix row, or -1 when it lacks a criterion */
  rowOf: Int32Array;
}

/**
 * Re-ranks in the browser: the weight-independent preparation reruns only when criteria,
 * directions, normalisation or constraints change; a slider move only rescoring (no server call).
 */
export function useLocalRanking(results: readonly ResultRow[], settings: RankingSettings, top = 5): LocalRanking {
  const { criteria, directions, normalization, constraints } = settings;
  const prepared = useMemo(
    () => prepareResultRanking(results, { criteria, directions, normalization, constraints }),
    [results, criteria, directions, normalization, constraints],
  );
  const { weights } = settings;
  const scored = useMemo(() => scoreResultRanking(prepared, weights, top), [prepared, weights, top]);
  const rowOf = useMemo(() => {
    const out = new Int32Array(results.length).fill(-1);
    prepared.rows.forEach((ri, i) => (out[ri] = i));
    return out;
  }, [prepared, results.length]);
  return { prepared, scored, rowOf };
}

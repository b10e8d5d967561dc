'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { benchmarkKeys } from '@/components/query-keys';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { ShareRow } from '../types';

export function useShares(datasetId: string, enabled = true) {
  return useQuery({
    queryKey: benchmarkKeys.shares(datasetId),
    queryFn: () => apiFetch<ShareRow[]>(`/api/shares?datasetId=${encodeURIComponent(datasetId)}`),
    enabled,
  });
}

export function useCreateShare(datasetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { title?: string; settings: RankingSettings }) =>
      apiFetch<ShareRow & { token: string; path: string }>('/api/shares', {
        method: 'POST',
        json: { datasetId, ...input },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.shares(datasetId) }),
  });
}

export function useRevokeShare(datasetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<ShareRow>(`/api/shares/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.shares(datasetId) }),
  });
}

'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { benchmarkKeys } from '@/components/query-keys';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { ProfileRow } from '../types';

export function useProfiles() {
  return useQuery({
    queryKey: benchmarkKeys.profiles(),
    queryFn: () => apiFetch<ProfileRow[]>('/api/benchmarks/profiles'),
  });
}

export function useSaveProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name, settings }: { id?: string; name: string; settings: RankingSettings }) =>
      apiFetch<ProfileRow>(id ? `/api/benchmarks/profiles/${id}` : '/api/benchmarks/profiles', {
        method: id ? 'PUT' : 'POST',
        json: { name, settings },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.profiles() }),
  });
}

export function useDeleteProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ id: string }>(`/api/benchmarks/profiles/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.profiles() }),
  });
}

'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { gpuKindKeys, jobKeys, quotaKeys } from '@/components/query-keys';
import type { JobDetailView, JobPage, QuotaView } from './types';

// The queue changes every scheduler pass (about a second); 2 s keeps it live without flooding.
export const LIVE_MS = 2_000;

export function useJobPage(filter: Record<string, string>) {
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString();
  return useQuery({
    queryKey: jobKeys.list(filter),
    queryFn: () => apiFetch<JobPage>(`/api/jobs?${query}`),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
}

export function useJob(id: string) {
  return useQuery({
    queryKey: jobKeys.detail(id),
    queryFn: () => apiFetch<JobDetailView>(`/api/jobs/${id}`),
    refetchInterval: LIVE_MS,
  });
}

export function useMyQuotas() {
  return useQuery({
    queryKey: quotaKeys.mine(),
    queryFn: () => apiFetch<QuotaView[]>('/api/quotas'),
    refetchInterval: 5_000,
  });
}

export interface GpuKindOption {
  id: string;
  description: string;
  capacity: number;
}

export function useGpuKinds() {
  return useQuery({
    queryKey: gpuKindKeys.list(),
    queryFn: () => apiFetch<GpuKindOption[]>('/api/cluster/gpu-kinds'),
    staleTime: 60_000,
  });
}

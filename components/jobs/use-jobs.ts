'use client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { gpuKindKeys, jobKeys, quotaKeys } from '@/components/query-keys';
import type { JobDetailView, JobPage, JobView, QuotaView } from './types';

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

/**
 * POST /api/jobs/:id/{cancel,retry,resubmit}, answered with the job it leaves (for resubmit, the
 * new one). Without `onDone` the mutation stays pending until every job query has refetched, so
 * its button stays disabled until the page shows the new state; `onDone` (a navigation) does not
 * wait for that refetch.
 */
export function useJobAction(id: string, action: 'cancel' | 'retry' | 'resubmit', onDone?: (job: JobView) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<JobView>(`/api/jobs/${id}/${action}`, { method: 'POST' }),
    onSuccess: async (job) => {
      const refetched = qc.invalidateQueries({ queryKey: jobKeys.all });
      if (onDone) onDone(job);
      else await refetched;
    },
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

'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { telemetryKeys } from '@/components/query-keys';
import type { ChartRange, GpuDevice, Heatmap, IdleGpus, Metric, Series, SeriesScope, UsageReport } from '../types';

const REFRESH_MS = 15_000;

// A range change keeps the previous series on screen until the new one arrives (no flash to empty).
export function useSeries(scope: SeriesScope, id: string, range: ChartRange, metric: Metric) {
  const params = new URLSearchParams({ scope, id, range, metric });
  return useQuery({
    queryKey: telemetryKeys.series(scope, id, range, metric),
    queryFn: () => apiFetch<Series>(`/api/telemetry/series?${params}`),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

export function useHeatmap(pool: string, range: ChartRange) {
  return useQuery({
    queryKey: telemetryKeys.heatmap(pool, range),
    queryFn: () => apiFetch<Heatmap>(`/api/telemetry/heatmap?${new URLSearchParams({ pool, range })}`),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

export function useGpuDevices(pool: string) {
  return useQuery({
    queryKey: telemetryKeys.gpus(pool),
    queryFn: () => apiFetch<GpuDevice[]>(`/api/telemetry/gpus?${new URLSearchParams({ pool })}`),
    refetchInterval: REFRESH_MS,
  });
}

export function useIdleGpus(enabled: boolean) {
  return useQuery({
    queryKey: telemetryKeys.idle(),
    queryFn: () => apiFetch<IdleGpus>('/api/telemetry/idle'),
    enabled,
    refetchInterval: 30_000,
  });
}

export function useUsage(period: 'day' | 'week', groupBy: 'team' | 'user') {
  return useQuery({
    queryKey: telemetryKeys.usage(period, groupBy),
    queryFn: () => apiFetch<UsageReport>(`/api/telemetry/usage?${new URLSearchParams({ period, groupBy })}`),
    placeholderData: keepPreviousData,
  });
}

export interface JobGpuUsage {
  jobId: string;
  gpus: { deviceKey: string; node: string; kind: string | null; pod: string; avgUtilization: number | null; maxUtilization: number | null; avgFbMiB: number | null; avgPowerW: number | null }[];
  idle: { deviceKey: string; avgUtilization: number; idleSince: string }[];
}

export function useJobGpuUsage(jobId: string) {
  return useQuery({
    queryKey: telemetryKeys.job(jobId),
    queryFn: () => apiFetch<JobGpuUsage>(`/api/telemetry/jobs/${encodeURIComponent(jobId)}`),
    refetchInterval: 30_000,
  });
}

'use client';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiFetch } from '@/components/api';
import { telemetryKeys } from '@/components/query-keys';
import {
  RANGES,
  type ChartRange,
  type GpuDevice,
  type Heatmap,
  type IdleGpus,
  type Metric,
  type Series,
  type SeriesScope,
  type UsageReport,
} from '../types';

const REFRESH_MS = 15_000;

const seriesQuery = (scope: SeriesScope, id: string, range: ChartRange, metric: Metric) => ({
  queryKey: telemetryKeys.series(scope, id, range, metric),
  queryFn: () => apiFetch<Series>(`/api/telemetry/series?${new URLSearchParams({ scope, id, range, metric })}`),
});

// A range change keeps the previous series on screen until the new one arrives (no flash to empty).
export function useSeries(scope: SeriesScope, id: string, range: ChartRange, metric: Metric) {
  return useQuery({
    ...seriesQuery(scope, id, range, metric),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

/**
 * Once a chart has drawn, fetches its other ranges in the background, so picking another range
 * draws from the cache (a re-render) instead of waiting for the server.
 */
export function usePrefetchOtherRanges(scope: SeriesScope, id: string, metric: Metric, ready: boolean) {
  const client = useQueryClient();
  useEffect(() => {
    if (!ready) return;
    for (const r of RANGES) void client.prefetchQuery({ ...seriesQuery(scope, id, r, metric), staleTime: REFRESH_MS });
  }, [client, scope, id, metric, ready]);
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
  gpus: {
    deviceKey: string;
    node: string;
    kind: string | null;
    pod: string;
    avgUtilization: number | null;
    maxUtilization: number | null;
    avgFbMiB: number | null;
    avgPowerW: number | null;
    sharing: 'exclusive' | 'time-slicing' | 'mps' | 'mig';
    coTenants: number;
  }[];
  idle: { deviceKey: string; avgUtilization: number; idleSince: string }[];
}

export function useJobGpuUsage(jobId: string) {
  return useQuery({
    queryKey: telemetryKeys.job(jobId),
    queryFn: () => apiFetch<JobGpuUsage>(`/api/telemetry/jobs/${encodeURIComponent(jobId)}`),
    refetchInterval: 30_000,
  });
}

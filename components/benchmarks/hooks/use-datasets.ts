'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { benchmarkKeys } from '@/components/query-keys';
import type { SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import type { DatasetRow, DemoSource, ResultRow } from '../types';

export function useDatasets(initialData?: DatasetRow[]) {
  return useQuery({ queryKey: benchmarkKeys.datasets(), queryFn: () => apiFetch<DatasetRow[]>('/api/benchmarks/datasets'), initialData });
}

export function useDataset(id: string, initialData?: DatasetRow) {
  return useQuery({ queryKey: benchmarkKeys.dataset(id), queryFn: () => apiFetch<DatasetRow>(`/api/benchmarks/datasets/${id}`), initialData });
}

export function useDatasetResults(id: string) {
  return useQuery({
    queryKey: benchmarkKeys.results(id),
    queryFn: () => apiFetch<ResultRow[]>(`/api/benchmarks/datasets/${id}/results`),
    staleTime: 60_000,
  });
}

export function useImportDemo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (source: DemoSource) => apiFetch<DatasetRow>('/api/benchmarks/datasets/import-demo', { method: 'POST', json: { source } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.datasets() }),
  });
}

export function useUploadDataset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; format: 'csv' | 'json'; text: string }) =>
      apiFetch<DatasetRow>('/api/benchmarks/datasets', { method: 'POST', json: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.datasets() }),
  });
}

export function useIssueResultsToken(datasetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ datasetId: string; token: string }>(`/api/benchmarks/datasets/${datasetId}/results-token`, { method: 'POST' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.dataset(datasetId) }),
  });
}

export interface CreatedSweepRow {
  dataset: DatasetRow;
  resultsToken: string;
  planned: number;
  excluded: number;
  estimatedGpuHours: number;
}

export function useCreateSweep() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; definition: SweepDefinition; simulate: boolean }) =>
      apiFetch<CreatedSweepRow>('/api/benchmarks/sweeps', { method: 'POST', json: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.datasets() }),
  });
}

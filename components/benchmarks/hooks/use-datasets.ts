'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { benchmarkKeys } from '@/components/query-keys';
import type { SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import type { DatasetRow, DemoSource, ResultRow } from '../types';

export function useDatasets(initialData?: DatasetRow[]) {
  return useQuery({
    queryKey: benchmarkKeys.datasets(),
    queryFn: () => apiFetch<DatasetRow[]>('/api/benchmarks/datasets'),
    initialData,
  });
}

export function useDataset(id: string, initialData?: DatasetRow) {
  return useQuery({
    queryKey: benchmarkKeys.dataset(id),
    queryFn: () => apiFetch<DatasetRow>(`/api/benchmarks/datasets/${id}`),
    initialData,
  });
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
    mutationFn: (source: DemoSource) =>
      apiFetch<DatasetRow>('/api/benchmarks/datasets/import-demo', { method: 'POST', json: { source } }),
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
    mutationFn: () =>
      apiFetch<{ datasetId: string; token: string }>(`/api/benchmarks/datasets/${datasetId}/results-token`, {
        method: 'POST',
      }),
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

export interface CreateSweepInput {
  name: string;
  definition: SweepDefinition;
  simulate: boolean;
  /** then run it as a job on this GPU kind */
  runOn?: string;
}

/**
 * Creates a sweep and, when asked, runs it as a job, in one mutation: the new dataset replaces the
 * form's empty-state page, so a second mutation started from the form would lose its callbacks.
 * A refused run leaves the sweep in place; `runError` says why.
 */
export function useCreateSweep() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ runOn, ...input }: CreateSweepInput) => {
      const created = await apiFetch<CreatedSweepRow>('/api/benchmarks/sweeps', { method: 'POST', json: input });
      if (!runOn) return { created, runError: null };
      try {
        await apiFetch(`/api/benchmarks/datasets/${created.dataset.id}/run`, {
          method: 'POST',
          json: { gpuKind: runOn },
        });
        return { created, runError: null };
      } catch (e) {
        return { created, runError: e instanceof Error ? e.message : 'The sweep could not run' };
      }
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: benchmarkKeys.datasets() }),
  });
}

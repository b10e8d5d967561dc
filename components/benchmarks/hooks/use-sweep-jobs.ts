'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { benchmarkKeys } from '@/components/query-keys';
import type { SweepJobRun } from '@/lib/server/benchmarks/run-sweep-job';

export interface RunSweepInput {
  gpuKind: string;
  parallelism?: number;
  configurationsPerStep?: number;
}

/** Runs a sweep dataset as a benchmark job (POST /api/benchmarks/datasets/:id/run). */
export function useRunSweep() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ datasetId, ...input }: RunSweepInput & { datasetId: string }) =>
      apiFetch<SweepJobRun>(`/api/benchmarks/datasets/${datasetId}/run`, { method: 'POST', json: input }),
    onSuccess: (_, { datasetId }) => qc.invalidateQueries({ queryKey: benchmarkKeys.dataset(datasetId) }),
  });
}

export function useDeleteDataset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (datasetId: string) =>
      apiFetch<{ id: string; deleted: true }>(`/api/benchmarks/datasets/${datasetId}`, { method: 'DELETE' }),
    onSuccess: (_, datasetId) => {
      qc.removeQueries({ queryKey: benchmarkKeys.dataset(datasetId) });
      return qc.invalidateQueries({ queryKey: benchmarkKeys.datasets() });
    },
  });
}

'use client';
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { jobKeys } from '@/components/query-keys';
import type { JobWorkflowView } from '@/lib/server/workflows/get-job-workflow';
import type { StepLogView } from '@/lib/server/workflows/get-step-log';
import { LIVE_MS } from './use-jobs';

// The API's shapes, type-only from the server views (erased at build time).
export type { JobWorkflowView } from '@/lib/server/workflows/get-job-workflow';
export type { StepLogView } from '@/lib/server/workflows/get-step-log';

const FINAL_PHASES = ['Succeeded', 'Failed', 'Error'];

/** Refetched every 2 s until the Workflow ends. */
export function useJobWorkflow(id: string, live: boolean) {
  return useQuery({
    queryKey: jobKeys.workflow(id),
    queryFn: () => apiFetch<JobWorkflowView>(`/api/jobs/${id}/workflow`),
    refetchInterval: (q) =>
      live || !q.state.data?.phase || !FINAL_PHASES.includes(q.state.data.phase) ? LIVE_MS : false,
  });
}

/** Fetched once a step is selected; refetched while the step may still write. */
export function useStepLog(id: string, nodeId: string | null, running: boolean) {
  return useQuery({
    queryKey: jobKeys.stepLog(id, nodeId ?? ''),
    queryFn: () => apiFetch<StepLogView>(`/api/jobs/${id}/steps/${encodeURIComponent(nodeId!)}/logs?tailLines=500`),
    enabled: nodeId !== null,
    refetchInterval: running ? LIVE_MS : false,
  });
}

'use client';
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { jobKeys } from '@/components/query-keys';
import type { WorkflowGraph } from '@/lib/domain/workflow/graph-model';
import { LIVE_MS } from './use-jobs';

/** GET /api/jobs/:id/workflow */
export interface JobWorkflowView {
  jobId: string;
  workflowName: string | null;
  phase: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  gpuSeconds: number;
  syncedAt: string | null;
  graph: WorkflowGraph | null;
  steps: Record<string, { podName: string; outputs: Record<string, string> }>;
}

/** GET /api/jobs/:id/steps/:nodeId/logs */
export interface StepLogView {
  jobId: string;
  nodeId: string;
  podName: string;
  source: 'pod' | 'stored' | 'none';
  complete: boolean;
  text: string;
}

const FINAL_PHASES = ['Succeeded', 'Failed', 'Error'];

/** Refetched every 2 s until the Workflow ends. */
export function useJobWorkflow(id: string, live: boolean) {
  return useQuery({
    queryKey: jobKeys.workflow(id),
    queryFn: () => apiFetch<JobWorkflowView>(`/api/jobs/${id}/workflow`),
    refetchInterval: (q) => (live || !q.state.data?.phase || !FINAL_PHASES.includes(q.state.data.phase) ? LIVE_MS : false),
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

'use client';
// The job's live DAG (from the workflow sync's snapshot) with the selected step's panel and logs.
import { useState } from 'react';
import { ApiError } from '@/components/api';
import { NodePanel } from '@/components/dag/node-panel';
import { WorkflowGraphView } from '@/components/dag/workflow-graph-view';
import { Card } from '@/components/ui/card';
import { useJobWorkflow, useStepLog } from './use-job-workflow';

export function JobWorkflow({ id, live, canReadLogs }: { id: string; live: boolean; canReadLogs: boolean }) {
  const workflow = useJobWorkflow(id, live);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const data = workflow.data;
  const selected = data?.graph?.nodes.find((n) => n.id === selectedId) ?? null;
  const step = selectedId ? data?.steps[selectedId] : undefined;
  const gpuHours = data ? (data.gpuSeconds / 3600).toFixed(data.gpuSeconds < 360 ? 3 : 1) : null;
  return (
    <Card title="Workflow">
      {workflow.isError && (
        <p role="alert" className="text-sm text-red-700">
          {workflow.error.message}
        </p>
      )}
      {!data && !workflow.isError && <p className="text-sm text-slate-600">Loading…</p>}
      {data && !data.graph && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No workflow status yet; it appears once the job reaches the cluster.
        </p>
      )}
      {data?.graph && (
        <div className="space-y-4">
          <p className="text-sm" data-testid="workflow-summary">
            {data.workflowName} · <span data-testid="workflow-phase">{data.phase ?? 'Pending'}</span> · {gpuHours}{' '}
            GPU-hours
          </p>
          <div className="grid gap-4 lg:grid-cols-[1fr_24rem]">
            <WorkflowGraphView
              graph={data.graph}
              expanded={expanded}
              onExpand={(key) => setExpanded((prev) => new Set(prev).add(key))}
              onSelect={setSelectedId}
              selectedId={selectedId}
            />
            {selected && (
              <NodePanel
                node={selected}
                podName={step?.podName ?? null}
                outputs={step?.outputs}
                onClose={() => setSelectedId(null)}
                logs={
                  step ? (
                    <StepLog
                      jobId={id}
                      nodeId={selected.id}
                      running={selected.phase === 'Running' || selected.phase === 'Pending'}
                      allowed={canReadLogs}
                    />
                  ) : null
                }
              />
            )}
          </div>
        </div>
      )}
    </Card>
  );
}

function StepLog({
  jobId,
  nodeId,
  running,
  allowed,
}: {
  jobId: string;
  nodeId: string;
  running: boolean;
  allowed: boolean;
}) {
  const log = useStepLog(jobId, allowed ? nodeId : null, running);
  if (!allowed)
    return (
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Only the job owner, its team and admins can read logs.
      </p>
    );
  if (log.isError)
    return (
      <p role="alert" className="text-xs text-red-700">
        {log.error instanceof ApiError && log.error.status === 403
          ? 'Only the job owner, its team and admins can read logs.'
          : log.error.message}
      </p>
    );
  if (!log.data) return <p className="text-xs text-slate-600">Loading logs…</p>;
  const source =
    log.data.source === 'pod'
      ? 'live from the pod'
      : log.data.source === 'stored'
        ? 'stored copy (last 64 KiB)'
        : 'not started yet';
  return (
    <section aria-label="Step logs" className="mt-3">
      <h4 className="mb-1 text-xs font-semibold text-slate-600 dark:text-slate-400">Logs · {source}</h4>
      <pre
        data-testid="step-log"
        className="max-h-96 overflow-auto rounded bg-slate-950 p-2 text-xs whitespace-pre-wrap text-slate-100"
      >
        {log.data.text || '(empty)'}
      </pre>
    </section>
  );
}

'use client';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ApiError } from '@/components/api';
import { StateBadge } from '@/components/jobs/state-badge';
import { useJob } from '@/components/jobs/use-jobs';
import { benchmarkKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
import { GpuKindSelect, useDefaultGpuKind } from './gpu-kind-select';
import { useDataset } from './hooks/use-datasets';
import { useRunSweep } from './hooks/use-sweep-jobs';
import type { DatasetRow } from './types';

// How the job is cut up, keyed as the API's fields: one key holds the value, names the field sent
// and finds that field's error.
const SIZES = [
  { key: 'parallelism', label: 'Steps at once', max: 64 },
  { key: 'configurationsPerStep', label: 'Configurations per step', max: 256 },
] as const;
type SizeKey = (typeof SIZES)[number]['key'];

/** Runs the sweep through the queue, and follows the jobs it ran as; a new run resumes the last. */
export function SweepRunPanel({ dataset: initial, initialError }: { dataset: DatasetRow; initialError?: string }) {
  const dataset = useDataset(initial.id, initial).data ?? initial;
  const run = useRunSweep();
  const [gpuKind, setGpuKind] = useState('');
  const [sizes, setSizes] = useState<Record<SizeKey, string>>({ parallelism: '2', configurationsPerStep: '8' });
  const chosen = useDefaultGpuKind(gpuKind);
  const err = run.error instanceof ApiError ? run.error : null;

  return (
    <Card title="Run as a job">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Runs the sweep through the queue as a benchmark job: steps of several configurations, each retried up to 3
        times. Configurations that already have results are skipped, so running again after a cancel or a lost node
        resumes the sweep.
      </p>
      <div className="mt-3 space-y-3">
        <GpuKindSelect value={chosen} onChange={setGpuKind} error={err?.fieldMessage('gpuKind')} />
        <div className="grid grid-cols-2 gap-3">
          {SIZES.map(({ key, label, max }) => (
            <TextField
              key={key}
              label={label}
              type="number"
              min={1}
              max={max}
              value={sizes[key]}
              onChange={(e) => setSizes((prev) => ({ ...prev, [key]: e.target.value }))}
              error={err?.fieldMessage(key)}
            />
          ))}
        </div>
        <Button
          type="button"
          disabled={run.isPending || !chosen}
          onClick={() =>
            run.mutate({
              datasetId: dataset.id,
              gpuKind: chosen,
              parallelism: Number(sizes.parallelism),
              configurationsPerStep: Number(sizes.configurationsPerStep),
            })
          }
        >
          {run.isPending ? 'Submitting…' : 'Run as job'}
        </Button>
        {err && !err.fieldMessage('gpuKind') && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {err.message}
          </p>
        )}
        {initialError && run.isIdle && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            The sweep was created but did not run: {initialError}
          </p>
        )}
        {run.data && (
          <p role="status" className="text-sm">
            Job {run.data.job.id} queued: {run.data.pending} configurations in {run.data.steps} steps
            {run.data.parts > 1 && ` over ${run.data.parts} parts run one after another`}
            {run.data.skipped > 0 && `, ${run.data.skipped} skipped (already have results)`}.
          </p>
        )}
      </div>
      {dataset.jobIds.length > 0 && (
        <ul className="mt-4 space-y-1 text-sm" aria-label="Jobs of this sweep">
          {[...dataset.jobIds].reverse().map((id) => (
            <SweepJobRow key={id} jobId={id} datasetId={dataset.id} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function SweepJobRow({ jobId, datasetId }: { jobId: string; datasetId: string }) {
  const qc = useQueryClient();
  const job = useJob(jobId);
  const state = job.data?.state;
  // Results arrive while the job runs: reload them as it moves on, and once more when it ends.
  useEffect(() => {
    if (state) void qc.invalidateQueries({ queryKey: benchmarkKeys.dataset(datasetId) });
  }, [state, datasetId, qc]);
  return (
    <li className="flex items-center gap-2" data-testid="sweep-job">
      <Link href={`/jobs/${jobId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
        Job {jobId}
      </Link>
      {job.data ? <StateBadge state={job.data.state} /> : <span className="text-slate-500">…</span>}
    </li>
  );
}

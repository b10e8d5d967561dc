'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ApiError } from '@/components/api';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import {
  ENGINES,
  GPU_CATALOG,
  GPU_KINDS,
  MODEL_CATALOG,
  PRECISIONS,
  QUANTIZATIONS,
} from '@/lib/domain/benchmarks/catalog';
import { DEFAULT_SWEEP, type SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { GpuKindSelect, useDefaultGpuKind } from './gpu-kind-select';
import { useCreateSweep } from './hooks/use-datasets';
import { useSweepPlan } from './hooks/use-sweep-plan';
import { SweepPreview } from './sweep-preview';

/** Mirrors MAX_SIMULATED on the server (lib/server/benchmarks/create-sweep-dataset.ts). */
const MAX_SIMULATED = 5_000;
/** Mirrors MAX_SWEEP_CONFIGURATIONS (lib/server/benchmarks/run-sweep-job.ts): beyond 500 a job runs in parts. */
const MAX_PER_JOB = 5_000;

type ListKey =
  'models' | 'engines' | 'quantizations' | 'precisions' | 'gpuKinds' | 'gpuCounts' | 'batchSizes' | 'sequenceLengths';
type Option = { value: string | number; label: string };

const withDefaults = (xs: readonly number[], defaults: readonly number[]) =>
  [...new Set([...xs, ...defaults])].sort((a, b) => a - b);
const numbers = (xs: number[]): Option[] => xs.map((v) => ({ value: v, label: String(v) }));

const GROUPS: { key: ListKey; legend: string; options: Option[] }[] = [
  { key: 'models', legend: 'Models', options: MODEL_CATALOG.map((m) => ({ value: m.id, label: m.label })) },
  { key: 'engines', legend: 'Engines', options: ENGINES.map((e) => ({ value: e, label: e })) },
  { key: 'quantizations', legend: 'Quantizations', options: QUANTIZATIONS.map((q) => ({ value: q, label: q })) },
  { key: 'precisions', legend: 'Precisions', options: PRECISIONS.map((p) => ({ value: p, label: p })) },
  { key: 'gpuKinds', legend: 'GPU kinds', options: GPU_KINDS.map((g) => ({ value: g, label: GPU_CATALOG[g].label })) },
  { key: 'gpuCounts', legend: 'GPU counts', options: numbers(withDefaults([1, 2, 4, 8], DEFAULT_SWEEP.gpuCounts)) },
  {
    key: 'batchSizes',
    legend: 'Batch sizes',
    options: numbers(withDefaults([1, 2, 4, 8, 16, 32, 64, 128], DEFAULT_SWEEP.batchSizes)),
  },
  {
    key: 'sequenceLengths',
    legend: 'Sequence lengths (prompt tokens)',
    options: numbers(withDefaults([128, 512, 1024, 2048, 4096, 8192], DEFAULT_SWEEP.sequenceLengths)),
  },
];

/** Keeps the catalogue order, so the first checked value stays the sweep's baseline. */
function toggle(def: SweepDefinition, key: ListKey, value: string | number, on: boolean): SweepDefinition {
  const current = def[key] as (string | number)[];
  const options = GROUPS.find((g) => g.key === key)!.options.map((o) => o.value);
  const next = on ? options.filter((v) => v === value || current.includes(v)) : current.filter((v) => v !== value);
  return { ...def, [key]: next };
}

export function SweepForm() {
  const router = useRouter();
  const create = useCreateSweep();
  const [definition, setDefinition] = useState<SweepDefinition>(DEFAULT_SWEEP);
  const [name, setName] = useState('');
  const [then, setThen] = useState<'wait' | 'simulate' | 'run'>('wait');
  const [gpuKind, setGpuKind] = useState('');
  const chosenKind = useDefaultGpuKind(gpuKind);
  const plan = useSweepPlan(definition);
  const limit = then === 'simulate' ? MAX_SIMULATED : then === 'run' ? MAX_PER_JOB : undefined;
  const tooMany = limit !== undefined && plan.status === 'ready' && plan.summary.valid > limit;
  const busy = create.isPending;
  const canSubmit =
    plan.status === 'ready' && plan.summary.valid > 0 && !tooMany && !busy && (then !== 'run' || chosenKind !== '');

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!canSubmit) return;
    const sweepName = name.trim() || `Sweep ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
    create.mutate(
      { name: sweepName, definition, simulate: then === 'simulate', runOn: then === 'run' ? chosenKind : undefined },
      {
        // A refused run leaves the sweep in place: its page says why and offers the run again.
        onSuccess: ({ created, runError }) =>
          router.push(
            `/benchmarks/${created.dataset.id}${runError ? `?runError=${encodeURIComponent(runError)}` : ''}`,
          ),
      },
    );
  }

  const err = create.error instanceof ApiError ? create.error : null;
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="New sweep">
      <TextField
        label="Sweep name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={120}
        error={err?.fieldMessage('name')}
      />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {GROUPS.map((g) => (
          <fieldset key={g.key} className="text-sm">
            <legend className="font-medium text-slate-700 dark:text-slate-300">{g.legend}</legend>
            {g.options.map((o) => (
              <label key={String(o.value)} className="mt-1 flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={(definition[g.key] as (string | number)[]).includes(o.value)}
                  onChange={(e) => setDefinition((d) => toggle(d, g.key, o.value, e.target.checked))}
                />
                {o.label}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      <SweepPreview
        state={plan}
        limit={limit}
        limitReason={then === 'run' ? 'One job runs' : 'Simulated results are limited to'}
      />
      <fieldset className="space-y-1 text-sm">
        <legend className="font-medium text-slate-700 dark:text-slate-300">Results</legend>
        {(
          [
            ['wait', 'Posted by my own runner (results token)'],
            ['simulate', 'Fill with simulated results'],
            ['run', 'Run as a job on the cluster'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="flex items-center gap-2">
            <input type="radio" name="then" value={value} checked={then === value} onChange={() => setThen(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {then === 'run' && (
        <div className="max-w-sm">
          <GpuKindSelect value={chosenKind} onChange={setGpuKind} />
        </div>
      )}
      {err && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {err.message}
        </p>
      )}
      <Button type="submit" disabled={!canSubmit}>
        {busy ? 'Creating…' : then === 'run' ? 'Create and run as job' : 'Create sweep'}
      </Button>
    </form>
  );
}

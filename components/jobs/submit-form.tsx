'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { jobKeys, userKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { JOB_KINDS, PRIORITY_CLASSES } from '@/lib/domain/terms';
import type { DryRunView, JobView } from './types';
import { FitAnswer } from './fit-answer';
import { EMPTY_FORM, fromPrefill, KIND_LABELS, toBody, TRAINING_FIELDS, type FormState } from './submit-form-model';
import { useGpuKinds } from './use-jobs';

// Listed least urgent first (PRIORITY_CLASSES is most urgent first).
const PRIORITY_OPTIONS = [...PRIORITY_CLASSES].reverse();

export function SubmitForm() {
  const router = useRouter();
  const qc = useQueryClient();
  const params = useSearchParams();
  const [form, setForm] = useState<FormState>(() => ({ ...EMPTY_FORM, ...fromPrefill(params.get('prefill')) }));
  const me = useQuery({
    queryKey: [...userKeys.all, 'me'],
    queryFn: () => apiFetch<{ teams: Array<{ slug: string }> }>('/api/me'),
  });
  const kinds = useGpuKinds();
  const dryRun = useMutation({
    mutationFn: (body: unknown) => apiFetch<DryRunView>('/api/jobs?dryRun=1', { method: 'POST', json: body }),
  });
  const submit = useMutation({
    mutationFn: (body: unknown) => apiFetch<JobView>('/api/jobs', { method: 'POST', json: body }),
    onSuccess: (job) => {
      void qc.invalidateQueries({ queryKey: jobKeys.all });
      router.push(`/jobs/${job.id}`);
    },
  });
  const error = [submit.error, dryRun.error].find((e): e is ApiError => e instanceof ApiError);
  const err = (field: string) => error?.fieldMessage(field);
  const specErrors = error?.fields.filter((f) => f.field.startsWith('spec')) ?? [];
  const set = (k: keyof FormState) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  // A text input's name, value, change handler and error (the API names the field `errorPath`).
  const bind = (name: keyof FormState, errorPath: string = name) => ({
    name,
    value: form[name],
    onChange: set(name),
    error: err(errorPath),
  });
  const teams = me.data?.teams ?? [];
  const gpuKind = form.gpuKind || kinds.data?.[0]?.id || '';

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    dryRun.reset();
    submit.mutate(toBody({ ...form, gpuKind }));
  }

  return (
    <Card>
      <form onSubmit={onSubmit} aria-label="Submit a job" noValidate className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <TextField label="Name" placeholder="resnet50-lr-sweep" {...bind('name')} />
        <SelectField label="Team" value={form.team} onChange={set('team')} error={err('team')}>
          <option value="">{teams[0] ? `${teams[0].slug} (default)` : 'My team'}</option>
          {teams.map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.slug}
            </option>
          ))}
        </SelectField>
        <SelectField label="Kind" value={form.kind} onChange={set('kind')} error={err('kind')}>
          {JOB_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </SelectField>
        <SelectField label="GPU kind" value={gpuKind} onChange={set('gpuKind')} error={err('gpu.kind')}>
          {(kinds.data ?? []).map((k) => (
            <option key={k.id} value={k.id}>
              {k.id} — {k.description}
            </option>
          ))}
          {kinds.data?.length === 0 && <option value="">The cluster reports no GPUs</option>}
        </SelectField>
        <TextField label="GPUs" type="number" min={1} {...bind('gpuCount', 'gpu.count')} />
        <SelectField label="Priority" value={form.priority} onChange={set('priority')} error={err('priority')}>
          {PRIORITY_OPTIONS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </SelectField>
        <TextField label="Expected runtime (seconds)" type="number" {...bind('expectedRuntimeSeconds')} />
        <TextField label="Maximum runtime (seconds)" type="number" {...bind('maxRuntimeSeconds')} />
        <div />
        {form.kind === 'training' ? (
          TRAINING_FIELDS.map((f) => (
            <TextField key={f.name} label={f.label} placeholder={f.placeholder} {...bind(f.name, `spec.${f.name}`)} />
          ))
        ) : (
          <div className="sm:col-span-3">
            <label htmlFor="spec-text" className="block text-sm font-medium text-slate-700 dark:text-slate-300">
              {form.kind === 'workflow' ? 'Workflow YAML' : 'Spec (JSON)'}
            </label>
            <textarea
              id="spec-text"
              rows={10}
              value={form.specText}
              onChange={set('specText')}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white p-2 font-mono text-xs dark:border-slate-600 dark:bg-slate-900"
            />
          </div>
        )}
        {specErrors.length > 0 && form.kind !== 'training' && (
          <ul role="alert" className="text-sm text-red-700 sm:col-span-3">
            {specErrors.map((f) => (
              <li key={f.field}>
                {f.field}: {f.message}
              </li>
            ))}
          </ul>
        )}
        {error && error.fields.length === 0 && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-3">
            {error.message}
          </p>
        )}
        <div className="flex gap-3 sm:col-span-3">
          <Button
            type="button"
            variant="secondary"
            disabled={dryRun.isPending}
            onClick={() => (submit.reset(), dryRun.mutate(toBody({ ...form, gpuKind })))}
          >
            Will it fit?
          </Button>
          <Button type="submit" disabled={submit.isPending}>
            Submit
          </Button>
        </div>
        {dryRun.data && (
          <div className="sm:col-span-3">
            <FitAnswer answer={dryRun.data} />
          </div>
        )}
      </form>
    </Card>
  );
}

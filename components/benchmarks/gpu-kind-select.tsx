'use client';
import { SelectField } from '@/components/ui/field';
import { useGpuKinds } from '@/components/jobs/use-jobs';

/** The cluster's GPU kinds (what a job asks the queue for); an empty value means the first one. */
export function GpuKindSelect({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (id: string) => void;
  error?: string;
}) {
  const kinds = useGpuKinds();
  return (
    <SelectField
      label="Run on GPU kind"
      value={value || kinds.data?.[0]?.id || ''}
      onChange={(e) => onChange(e.target.value)}
      error={error}
    >
      {(kinds.data ?? []).map((k) => (
        <option key={k.id} value={k.id}>
          {k.id} ({k.description})
        </option>
      ))}
    </SelectField>
  );
}

export function useDefaultGpuKind(chosen: string): string {
  const kinds = useGpuKinds();
  return chosen || kinds.data?.[0]?.id || '';
}

'use client';
import { useState } from 'react';
import { ApiError } from '@/components/api';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { MetricKey } from '@/lib/domain/benchmarks/results';
import { useDeleteProfile, useProfiles, useSaveProfile } from './hooks/use-profiles';

/** Save the current weights as a named profile, or apply one (if this dataset has its criteria). */
export function ProfileBar({
  settings,
  metrics,
  onApply,
}: {
  settings: RankingSettings;
  metrics: MetricKey[];
  onApply: (s: RankingSettings) => void;
}) {
  const profiles = useProfiles();
  const save = useSaveProfile();
  const remove = useDeleteProfile();
  const [name, setName] = useState('');
  const [selected, setSelected] = useState('');
  const chosen = profiles.data?.find((p) => p.id === selected);
  const usable = (s: RankingSettings) => s.criteria.every((k) => metrics.includes(k));
  const err = save.error instanceof ApiError ? save.error : null;

  return (
    <Card title="Profiles">
      <div className="space-y-3">
        <SelectField label="Saved profile" value={selected} onChange={(e) => setSelected(e.target.value)}>
          <option value="">{profiles.data?.length ? 'choose…' : 'none saved yet'}</option>
          {profiles.data?.map((p) => (
            <option key={p.id} value={p.id} disabled={!usable(p.settings)}>
              {p.name}
              {usable(p.settings) ? '' : ' (criteria missing here)'}
            </option>
          ))}
        </SelectField>
        {chosen && (
          <div className="flex flex-wrap gap-2">
            <Button type="button" variant="secondary" onClick={() => onApply(chosen.settings)}>
              Apply
            </Button>
            <Button
              type="button"
              variant="secondary"
              onClick={() => save.mutate({ id: chosen.id, name: chosen.name, settings })}
            >
              Overwrite with current
            </Button>
            <Button
              type="button"
              variant="ghost"
              onClick={() => remove.mutate(chosen.id, { onSuccess: () => setSelected('') })}
            >
              Delete
            </Button>
          </div>
        )}
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ name, settings }, { onSuccess: (p) => (setName(''), setSelected(p.id)) });
          }}
        >
          <div className="flex-1">
            <TextField
              label="Save current as"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={80}
              error={err ? (err.fieldMessage('name') ?? err.message) : undefined}
            />
          </div>
          <Button type="submit" disabled={save.isPending || !name.trim()}>
            Save profile
          </Button>
        </form>
        {save.isSuccess && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            Saved “{save.data.name}”.
          </p>
        )}
      </div>
    </Card>
  );
}

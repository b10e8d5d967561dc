'use client';
import { SelectField } from '@/components/ui/field';
import { JOB_STATES, STATE_LABEL } from './format';
import type { GpuKindOption } from './use-jobs';

export interface QueueFilter {
  team: string;
  user: string;
  state: string;
  gpuKind: string;
  page: string;
}

export function QueueFilters({
  filter,
  onChange,
  teams,
  kinds,
  canHaveJobs,
}: {
  filter: QueueFilter;
  onChange: (f: QueueFilter) => void;
  teams: string[];
  kinds: GpuKindOption[];
  canHaveJobs: boolean;
}) {
  const set = (k: keyof QueueFilter) => (e: { target: { value: string } }) =>
    onChange({ ...filter, [k]: e.target.value, page: '1' });
  return (
    <div className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-5" role="group" aria-label="Filters">
      <SelectField label="State" value={filter.state} onChange={set('state')}>
        <option value="queued,admitted,submitted,running">Live (queued to running)</option>
        <option value="">All states</option>
        {JOB_STATES.map((s) => (
          <option key={s} value={s}>
            {STATE_LABEL[s]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Team" value={filter.team} onChange={set('team')}>
        <option value="">All teams</option>
        {teams.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </SelectField>
      <SelectField label="GPU kind" value={filter.gpuKind} onChange={set('gpuKind')}>
        <option value="">All kinds</option>
        {kinds.map((k) => (
          <option key={k.id} value={k.id}>
            {k.id}
          </option>
        ))}
      </SelectField>
      <div>
        <label className="block text-sm font-medium text-slate-700 dark:text-slate-300" htmlFor="queue-user">
          User (email)
        </label>
        <input
          id="queue-user"
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-900"
          value={filter.user === 'me' ? '' : filter.user}
          placeholder="anyone"
          onChange={set('user')}
        />
      </div>
      {canHaveJobs && (
        <label className="flex items-end gap-2 pb-2 text-sm">
          <input
            type="checkbox"
            checked={filter.user === 'me'}
            onChange={(e) => onChange({ ...filter, user: e.target.checked ? 'me' : '', page: '1' })}
          />
          My jobs
        </label>
      )}
    </div>
  );
}

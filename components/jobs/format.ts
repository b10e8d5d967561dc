// Presentation of job states and times: colours live here, not in the domain.
import type { JobState } from './types';

export const STATE_LABEL: Record<JobState, string> = {
  queued: 'Queued',
  admitted: 'Admitted',
  submitted: 'Submitted',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  preempted: 'Preempted',
};

export const STATE_CLASS: Record<JobState, string> = {
  queued: 'bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200',
  admitted: 'bg-sky-100 text-sky-900 dark:bg-sky-900/40 dark:text-sky-200',
  submitted: 'bg-sky-100 text-sky-900 dark:bg-sky-900/40 dark:text-sky-200',
  running: 'bg-indigo-100 text-indigo-900 dark:bg-indigo-900/40 dark:text-indigo-200',
  succeeded: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-900 dark:bg-red-900/40 dark:text-red-200',
  cancelled: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  preempted: 'bg-orange-100 text-orange-900 dark:bg-orange-900/40 dark:text-orange-200',
};

export const JOB_STATES = Object.keys(STATE_LABEL) as JobState[];

/** "3 min", "2 h 5 min", "4 d" */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d`;
}

export function formatEta(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const ms = new Date(iso).getTime() - now;
  return ms <= 0 ? 'any moment' : `in ${formatSpan(ms)}`;
}

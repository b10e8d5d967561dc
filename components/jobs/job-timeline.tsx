import { formatDate } from '@/components/format';
import type { JobEventView } from './types';
import { STATE_LABEL } from './format';

/** Every state change with its cause, oldest first: the history is never rewritten. */
export function JobTimeline({ events }: { events: JobEventView[] }) {
  return (
    <ol className="space-y-3" aria-label="Job timeline">
      {events.map((e) => (
        <li key={e.id} className="border-l-2 border-slate-200 pl-3 dark:border-slate-700">
          <p className="text-xs text-slate-500">
            {formatDate(e.at)} · <span className="font-mono">{e.cause}</span>
            {e.toState && e.fromState !== e.toState
              ? ` · ${e.fromState ? `${STATE_LABEL[e.fromState]} → ` : ''}${STATE_LABEL[e.toState]}`
              : ''}
            {e.actor ? ` · ${e.actor}` : ''}
          </p>
          <p className="text-sm">{e.message}</p>
        </li>
      ))}
    </ol>
  );
}

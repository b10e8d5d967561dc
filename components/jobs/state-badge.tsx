import type { JobState } from './types';
import { STATE_CLASS, STATE_LABEL } from './format';

export function StateBadge({ state }: { state: JobState }) {
  return (
    <span
      data-state={state}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${STATE_CLASS[state]}`}
    >
      {STATE_LABEL[state]}
    </span>
  );
}

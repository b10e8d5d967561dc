import type { DryRunView } from './types';
import { formatDate } from '@/components/format';

/** The answer to "Will it fit?": the scheduler's own sentence, where and when. */
export function FitAnswer({ answer }: { answer: DryRunView }) {
  const tone = answer.startsNow
    ? 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950'
    : answer.fits
      ? 'border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950'
      : 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950';
  return (
    <div role="status" aria-label="Dry run answer" className={`rounded-md border p-4 text-sm ${tone}`}>
      <p className="font-semibold">
        {answer.startsNow ? 'It fits now.' : answer.fits ? 'It fits, after a wait.' : 'It can never run as asked.'}
      </p>
      <p className="mt-1">{answer.message}</p>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4">
        <dt className="text-slate-600 dark:text-slate-400">Where</dt>
        <dd>{answer.placements?.map((p) => `${p.node} (${p.count})`).join(', ') ?? '—'}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Estimated start</dt>
        <dd>{answer.eta ? formatDate(answer.eta) : '—'}</dd>
        {answer.position !== null && (
          <>
            <dt className="text-slate-600 dark:text-slate-400">Position</dt>
            <dd>{answer.position}</dd>
          </>
        )}
        {answer.wouldPreempt.length > 0 && (
          <>
            <dt className="text-slate-600 dark:text-slate-400">Would preempt</dt>
            <dd>{answer.wouldPreempt.map((id) => `#${id}`).join(', ')}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

'use client';
import type { SweepPlanState } from './hooks/use-sweep-plan';

const REASONS: Record<string, string> = {
  'engine-quantization': 'engine does not support the weight format',
  'engine-precision': 'engine does not support the precision',
  'gpu-precision': 'GPU lacks the precision',
  'gpu-count': 'too many GPUs for one node',
  'tensor-parallel': 'heads do not split over the GPUs',
  'context-length': 'longer than the model context',
  memory: 'does not fit in GPU memory',
};

/** The live count of a sweep: valid, excluded (grouped by reason, one example each) and GPU-hours. */
export function SweepPreview({
  state,
  limit,
  limitReason,
}: {
  state: SweepPlanState;
  limit?: number;
  limitReason?: string;
}) {
  if (state.status === 'computing') {
    return (
      <p role="status" className="text-sm text-slate-500" data-testid="sweep-preview">
        computing…
      </p>
    );
  }
  if (state.status === 'invalid') {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="sweep-preview">
        {state.message}
      </p>
    );
  }
  const s = state.summary;
  return (
    <div className="space-y-2 text-sm" data-testid="sweep-preview" role="status">
      <p>
        <strong data-testid="sweep-valid">{s.valid.toLocaleString('en-US')}</strong> valid configurations of{' '}
        {s.totalCombinations.toLocaleString('en-US')} combinations ·{' '}
        <strong data-testid="sweep-excluded">{s.excluded.toLocaleString('en-US')}</strong> excluded · estimated{' '}
        <strong data-testid="sweep-gpu-hours">
          {s.estimatedGpuHours.toLocaleString('en-US', { maximumFractionDigits: 1 })}
        </strong>{' '}
        GPU-hours
      </p>
      {limit !== undefined && s.valid > limit && (
        <p className="text-amber-700 dark:text-amber-400">
          {limitReason} {limit.toLocaleString('en-US')} configurations: narrow the sweep.
        </p>
      )}
      {s.exclusionGroups.length > 0 && (
        <ul className="list-disc space-y-1 pl-5" aria-label="Excluded configurations by reason">
          {s.exclusionGroups.map((g) => (
            <li key={g.code}>
              <span className="font-medium tabular-nums">{g.count.toLocaleString('en-US')}</span> ×{' '}
              {REASONS[g.code] ?? g.code}
              {g.examples[0] && <span className="text-slate-500"> (e.g. {g.examples[0]})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

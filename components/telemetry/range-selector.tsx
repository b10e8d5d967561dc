'use client';
import { RANGES, type ChartRange } from './types';

export function RangeSelector({ value, onChange }: { value: ChartRange; onChange: (r: ChartRange) => void }) {
  return (
    <div
      role="radiogroup"
      aria-label="Time range"
      className="inline-flex rounded-md border border-slate-300 dark:border-slate-600"
    >
      {RANGES.map((r) => (
        <button
          key={r}
          type="button"
          role="radio"
          aria-checked={r === value}
          onClick={() => onChange(r)}
          className={`px-3 py-1 text-sm first:rounded-l-md last:rounded-r-md ${
            r === value ? 'bg-indigo-600 text-white' : 'hover:bg-slate-100 dark:hover:bg-slate-800'
          }`}
        >
          {r}
        </button>
      ))}
    </div>
  );
}

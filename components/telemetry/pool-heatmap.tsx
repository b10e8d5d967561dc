'use client';
import { memo } from 'react';
import { formatTick, heatClass } from './format';
import { useHeatmap } from './hooks/use-telemetry';
import type { ChartRange, Heatmap } from './types';

/**
 * GPUs (rows) by time (columns) for one pool, coloured by mean utilization. Memoized: the page
 * passes it a deferred range, and an unchanged one must not redraw its thousand cells.
 */
export const PoolHeatmap = memo(function PoolHeatmap({ pool, range }: { pool: string; range: ChartRange }) {
  const heat = useHeatmap(pool, range);
  if (heat.isPending) return <p className="text-sm text-slate-500">Loading heatmap…</p>;
  if (heat.isError)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {heat.error.message}
      </p>
    );
  if (heat.data.gpus.length === 0)
    return <p className="text-sm text-slate-500">No GPUs of pool {pool} have reported yet.</p>;
  return <HeatGrid data={heat.data} range={range} />;
});

function HeatGrid({ data, range }: { data: Heatmap; range: ChartRange }) {
  const cols = data.columns.length;
  return (
    <div className="overflow-x-auto" data-testid="pool-heatmap">
      <div
        className="grid gap-px text-[10px]"
        style={{ gridTemplateColumns: `minmax(9rem, max-content) repeat(${cols}, minmax(6px, 1fr))` }}
      >
        {data.gpus.map((g) => (
          <HeatRow key={g.key} label={shortLabel(g)} cells={g.cells} columns={data.columns} />
        ))}
        <span />
        {data.columns.map((t, i) => (
          <span key={i} className="text-slate-500" style={{ gridColumn: `span 1` }}>
            {i % Math.ceil(cols / 6) === 0 ? formatTick(t, range) : ''}
          </span>
        ))}
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Colour: mean utilization per GPU per column; grey where nothing was read.
      </p>
    </div>
  );
}

function HeatRow({ label, cells, columns }: { label: string; cells: (number | null)[]; columns: number[] }) {
  return (
    <>
      <span className="truncate pr-2 font-mono text-slate-600 dark:text-slate-300" title={label}>
        {label}
      </span>
      {/* keyed by position: a range change updates the same cells in place instead of replacing them */}
      {cells.map((v, i) => (
        <span
          key={i}
          className={`h-3 ${heatClass(v)}`}
          title={`${label} ${new Date(columns[i]).toISOString().slice(0, 16)}: ${v === null ? 'no data' : `${v.toFixed(0)} %`}`}
        />
      ))}
    </>
  );
}

function shortLabel(g: Heatmap['gpus'][number]): string {
  const gpu = g.key.split('/')[1]?.slice(0, 12) ?? g.key;
  return `${g.node} ${gpu}${g.migProfile ? ` ${g.migProfile}` : ''}`;
}

'use client';
import { memo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTick, formatValue } from './format';
import { usePrefetchOtherRanges, useSeries } from './hooks/use-telemetry';
import { METRICS, type ChartRange, type ChartTarget, type Metric, type Series } from './types';

/** Utilization, memory or power over time for one pool, node, GPU or job. */
export function SeriesChart({ target, range }: { target: ChartTarget; range: ChartRange }) {
  const [metric, setMetric] = useState<Metric>('util');
  const series = useSeries(target.scope, target.id, range, metric);
  usePrefetchOtherRanges(target.scope, target.id, metric, series.isSuccess && !series.isPlaceholderData);
  const points = series.data?.points ?? [];
  return (
    <figure
      data-testid="series-chart"
      data-points={series.isPlaceholderData ? 0 : points.length}
      data-range={series.isPlaceholderData ? undefined : series.data?.range}
      className="space-y-2"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <figcaption className="text-sm font-medium">{target.label}</figcaption>
        <div className="flex gap-1" role="tablist" aria-label="Metric">
          {METRICS.map((m) => (
            <button
              key={m.id}
              type="button"
              role="tab"
              aria-selected={m.id === metric}
              onClick={() => setMetric(m.id)}
              className={`rounded px-2 py-0.5 text-xs ${m.id === metric ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900' : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'}`}
            >
              {m.label}
            </button>
          ))}
        </div>
      </div>
      {series.isError ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {series.error.message}
        </p>
      ) : points.length === 0 ? (
        <p className="flex h-48 items-center justify-center text-sm text-slate-500">
          {series.isPending ? 'Loading…' : 'No readings in this range yet.'}
        </p>
      ) : (
        <SeriesLines series={series.data!} range={range} metric={metric} />
      )}
      {series.data && (
        <p className="text-xs text-slate-500">
          {series.data.devices} GPU{series.data.devices === 1 ? '' : 's'} · {points.length} points from{' '}
          {series.data.tier === 'raw'
            ? 'raw 10 s samples'
            : `${series.data.tier} ${series.data.source === 'pool' ? 'pool ' : ''}rollups`}
          {metric === 'util' ? ' · mean' : ' · total'}
        </p>
      )}
    </figure>
  );
}

// Memoized on the series object: a re-render of the page does not redraw an unchanged chart, and
// animation is off so a range change draws once (<= 1,000 points, straight segments: at that
// density a monotone curve looks the same and costs more).
const SeriesLines = memo(function SeriesLines({
  series,
  range,
  metric,
}: {
  series: Series;
  range: ChartRange;
  metric: Metric;
}) {
  return (
    <div className="h-48 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={series.points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-slate-200 dark:stroke-slate-700" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(t: number) => formatTick(t, range)}
            fontSize={11}
          />
          <YAxis
            width={56}
            fontSize={11}
            domain={metric === 'util' ? [0, 100] : ['auto', 'auto']}
            tickFormatter={(v: number) => formatValue(v, metric)}
          />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toISOString().replace('T', ' ').slice(0, 19)}
            formatter={(v) => formatValue(Number(v), metric)}
          />
          <Line
            type="linear"
            dataKey="v"
            stroke="#4f46e5"
            dot={series.points.length < 3}
            isAnimationActive={false}
            strokeWidth={1.5}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});

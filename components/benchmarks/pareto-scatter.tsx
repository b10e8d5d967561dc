'use client';
import { CartesianGrid, Cell, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from './metric-format';

export interface ScatterPoint {
  x: number;
  y: number;
  /** value of the colour criterion; null draws grey */
  c: number | null;
  label: string;
  /** on the two-axis Pareto front */
  front: boolean;
}

/** Blue (low) to orange (high): the colour criterion's position within its range. */
function colourOf(c: number | null, min: number, max: number): string {
  if (c === null) return '#94a3b8';
  const t = max > min ? (c - min) / (max - min) : 0.5;
  return `hsl(${Math.round(220 - 190 * t)} 75% 50%)`;
}

export function ParetoScatter({
  points,
  xLabel,
  yLabel,
  cLabel,
}: {
  points: ScatterPoint[];
  xLabel: string;
  yLabel: string;
  cLabel: string | null;
}) {
  const cs = points.flatMap((p) => (p.c === null ? [] : [p.c]));
  const min = Math.min(...cs);
  const max = Math.max(...cs);
  const front = points.filter((p) => p.front);
  return (
    <figure>
      <p className="mb-1 text-xs font-medium text-slate-600 dark:text-slate-400">↑ {yLabel}</p>
      <div className="h-80 w-full" data-testid="pareto-scatter">
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.4} />
            <XAxis
              type="number"
              dataKey="x"
              name={xLabel}
              tickFormatter={formatNumber}
              label={{ value: xLabel, position: 'bottom', offset: 10 }}
            />
            <YAxis type="number" dataKey="y" name={yLabel} tickFormatter={formatNumber} width={60} />
            <Tooltip
              cursor={{ strokeDasharray: '3 3' }}
              content={({ payload }) => {
                const p = payload?.[0]?.payload as ScatterPoint | undefined;
                if (!p) return null;
                return (
                  <div className="rounded border border-slate-200 bg-white p-2 text-xs shadow dark:border-slate-700 dark:bg-slate-900">
                    <p className="font-medium">{p.label}</p>
                    <p>
                      {xLabel}: {formatNumber(p.x)}
                    </p>
                    <p>
                      {yLabel}: {formatNumber(p.y)}
                    </p>
                    {cLabel && (
                      <p>
                        {cLabel}: {formatNumber(p.c)}
                      </p>
                    )}
                    {p.front && <p className="text-emerald-700 dark:text-emerald-400">on the Pareto front</p>}
                  </div>
                );
              }}
            />
            <Scatter data={points} isAnimationActive={false}>
              {points.map((p, i) => (
                <Cell key={i} fill={colourOf(p.c, min, max)} fillOpacity={0.8} />
              ))}
            </Scatter>
            <Scatter
              data={front}
              line={{ stroke: '#059669', strokeWidth: 2 }}
              fill="#059669"
              shape="diamond"
              isAnimationActive={false}
            />
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Green line: Pareto front of the two axes ({front.length} of {points.length} points).
        {cLabel && cs.length > 0 && ` Colour: ${cLabel}, blue ${formatNumber(min)} to orange ${formatNumber(max)}.`}
      </figcaption>
    </figure>
  );
}

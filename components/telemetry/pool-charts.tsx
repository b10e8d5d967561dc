'use client';
import { memo, useDeferredValue, useMemo, useState } from 'react';
import { Card } from '@/components/ui/card';
import { GpuList } from './gpu-list';
import { PoolHeatmap } from './pool-heatmap';
import { RangeSelector } from './range-selector';
import { SeriesChart } from './series-chart';
import type { ChartRange, ChartTarget } from './types';

// The GPU table does not depend on the range: a range change leaves it alone.
const StableGpuList = memo(GpuList);

/**
 * Pool chart, heatmap and GPU list with their own range and pool state, so a range change re-renders
 * this card only, not the rest of the GPUs page.
 */
export function PoolCharts({ pools }: { pools: string[] }) {
  const [range, setRange] = useState<ChartRange>('1h');
  const [pool, setPool] = useState(pools[0] ?? '');
  const [target, setTarget] = useState<ChartTarget | null>(null);
  const choosePool = (p: string) => {
    setPool(p);
    setTarget(null);
  };
  const poolTarget = useMemo<ChartTarget>(() => ({ scope: 'pool', id: pool, label: `Pool ${pool}` }), [pool]);
  // A range change redraws the pool chart first; the heatmap follows in a deferred render, so its
  // thousand cells do not hold back the chart's paint.
  const heatRange = useDeferredValue(range);
  return (
    <Card title="Utilization" actions={<RangeSelector value={range} onChange={setRange} />}>
      {pools.length === 0 ? (
        <p className="text-sm text-slate-500">No GPU pools in the cluster.</p>
      ) : (
        <div className="space-y-6">
          <div role="tablist" aria-label="Pool" className="flex flex-wrap gap-2">
            {pools.map((p) => (
              <button
                key={p}
                type="button"
                role="tab"
                aria-selected={p === pool}
                onClick={() => choosePool(p)}
                className={`rounded-full border px-3 py-1 text-sm ${p === pool ? 'border-indigo-600 bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300' : 'border-slate-300 dark:border-slate-600'}`}
              >
                {p}
              </button>
            ))}
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <SeriesChart target={poolTarget} range={range} />
            {target ? (
              <SeriesChart key={`${target.scope}:${target.id}`} target={target} range={range} />
            ) : (
              <p className="flex items-center justify-center rounded border border-dashed border-slate-300 p-6 text-sm text-slate-500 dark:border-slate-700">
                Pick a node or GPU below to chart it.
              </p>
            )}
          </div>
          <section>
            <h3 className="mb-2 text-sm font-medium">GPUs × time</h3>
            <PoolHeatmap pool={pool} range={heatRange} />
          </section>
          <StableGpuList pool={pool} selected={target ?? poolTarget} onSelect={setTarget} />
        </div>
      )}
    </Card>
  );
}

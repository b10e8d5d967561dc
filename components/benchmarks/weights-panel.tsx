'use client';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SelectField } from '@/components/ui/field';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { METRICS, type MetricKey } from '@/lib/domain/benchmarks/results';
import { formatWeightShare, metricHeading, metricLabel } from './metric-format';

const MAX_CRITERIA = 8;

/** Criteria, their weights (sliders), benefit/cost direction and the normalisation. */
export function WeightsPanel({
  settings,
  metrics,
  onChange,
}: {
  settings: RankingSettings;
  /** metrics the dataset has, most common first */
  metrics: MetricKey[];
  onChange: (next: RankingSettings) => void;
}) {
  const { criteria, weights, directions } = settings;
  const setAt = <T,>(list: T[], j: number, v: T) => list.map((x, k) => (k === j ? v : x));
  const remove = (j: number) =>
    onChange({
      ...settings,
      criteria: criteria.filter((_, k) => k !== j),
      weights: weights.filter((_, k) => k !== j),
      directions: directions.filter((_, k) => k !== j),
      constraints: settings.constraints.filter((c) => c.metric !== criteria[j]),
    });
  const add = (k: MetricKey) =>
    onChange({
      ...settings,
      criteria: [...criteria, k],
      weights: [...weights, 1],
      directions: [...directions, METRICS[k].direction],
    });
  const unused = metrics.filter((k) => !criteria.includes(k));

  return (
    <Card title="Weights">
      <ul className="space-y-4">
        {criteria.map((k, j) => (
          <li key={k} data-testid="criterion">
            <div className="flex items-center justify-between gap-2 text-sm">
              <span className="font-medium">{metricLabel(k)}</span>
              <span className="tabular-nums text-slate-600 dark:text-slate-400" data-testid={`weight-share-${k}`}>
                {formatWeightShare(weights, j)}
              </span>
            </div>
            <input
              type="range"
              min={0}
              max={10}
              step={1}
              value={weights[j]}
              aria-label={`Weight of ${metricLabel(k)}`}
              onChange={(e) => onChange({ ...settings, weights: setAt(weights, j, Number(e.target.value)) })}
              className="mt-1 w-full accent-indigo-600"
            />
            <div className="mt-1 flex items-center justify-between gap-2">
              <Button
                type="button"
                variant="ghost"
                className="px-2 py-1 text-xs"
                aria-label={`Direction of ${metricLabel(k)}`}
                onClick={() =>
                  onChange({
                    ...settings,
                    directions: setAt(directions, j, directions[j] === 'benefit' ? 'cost' : 'benefit'),
                  })
                }
              >
                {directions[j] === 'benefit' ? '↑ higher is better' : '↓ lower is better'}
              </Button>
              {criteria.length > 1 && (
                <Button
                  type="button"
                  variant="ghost"
                  className="px-2 py-1 text-xs"
                  onClick={() => remove(j)}
                  aria-label={`Remove ${metricLabel(k)}`}
                >
                  Remove
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {weights.every((w) => w === 0) && (
        <p role="alert" className="mt-3 text-sm text-amber-700 dark:text-amber-400">
          All weights are 0: give at least one criterion a weight.
        </p>
      )}
      <div className="mt-4 grid grid-cols-1 gap-3">
        {unused.length > 0 && criteria.length < MAX_CRITERIA && (
          <SelectField
            label="Add criterion"
            value=""
            onChange={(e) => e.target.value && add(e.target.value as MetricKey)}
          >
            <option value="">choose a metric…</option>
            {unused.map((k) => (
              <option key={k} value={k}>
                {metricHeading(k)}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField
          label="Normalization"
          value={settings.normalization}
          onChange={(e) => onChange({ ...settings, normalization: e.target.value as RankingSettings['normalization'] })}
        >
          <option value="vector">vector (classic TOPSIS)</option>
          <option value="minmax">min-max (range of each criterion)</option>
        </SelectField>
      </div>
    </Card>
  );
}

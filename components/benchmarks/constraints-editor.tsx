'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import type { MetricConstraint, RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { MetricKey } from '@/lib/domain/benchmarks/results';
import { metricHeading, metricLabel } from './metric-format';

interface Draft {
  metric: MetricKey;
  bound: 'atMost' | 'atLeast';
  value: string;
}

const toDrafts = (cs: MetricConstraint[]): Draft[] =>
  cs.flatMap((c) => [
    ...(c.atMost !== undefined ? [{ metric: c.metric, bound: 'atMost' as const, value: String(c.atMost) }] : []),
    ...(c.atLeast !== undefined ? [{ metric: c.metric, bound: 'atLeast' as const, value: String(c.atLeast) }] : []),
  ]);

/** Drafts with a number become constraints; a half-typed value simply does not apply yet. */
function toConstraints(drafts: Draft[]): MetricConstraint[] {
  return drafts.flatMap((d) => {
    const v = Number(d.value);
    return d.value.trim() === '' || !Number.isFinite(v) ? [] : [{ metric: d.metric, [d.bound]: v }];
  });
}

/** Hard limits ("TTFT at most 500 ms") that drop configurations before scoring. Remount (key) to reload. */
export function ConstraintsEditor({
  settings,
  excluded,
  onChange,
}: {
  settings: RankingSettings;
  excluded: number;
  onChange: (next: RankingSettings) => void;
}) {
  const [drafts, setDrafts] = useState<Draft[]>(() => toDrafts(settings.constraints));
  const update = (next: Draft[]) => {
    setDrafts(next);
    onChange({ ...settings, constraints: toConstraints(next.filter((d) => settings.criteria.includes(d.metric))) });
  };
  const setAt = (i: number, patch: Partial<Draft>) => update(drafts.map((d, k) => (k === i ? { ...d, ...patch } : d)));
  const live = drafts.filter((d) => settings.criteria.includes(d.metric));

  return (
    <Card title="Constraints">
      {live.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">No limits: every configuration is ranked.</p>
      )}
      <ul className="space-y-2">
        {drafts.map((d, i) =>
          settings.criteria.includes(d.metric) ? (
            <li key={i} className="flex flex-wrap items-center gap-2 text-sm" data-testid="constraint">
              <select
                aria-label="Constrained criterion"
                value={d.metric}
                onChange={(e) => setAt(i, { metric: e.target.value as MetricKey })}
                className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
              >
                {settings.criteria.map((k) => (
                  <option key={k} value={k}>
                    {metricLabel(k)}
                  </option>
                ))}
              </select>
              <select
                aria-label="Bound"
                value={d.bound}
                onChange={(e) => setAt(i, { bound: e.target.value as Draft['bound'] })}
                className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
              >
                <option value="atMost">at most</option>
                <option value="atLeast">at least</option>
              </select>
              <input
                aria-label={`Limit for ${metricHeading(d.metric)}`}
                inputMode="decimal"
                value={d.value}
                onChange={(e) => setAt(i, { value: e.target.value })}
                className="w-28 rounded border border-slate-300 bg-white px-2 py-1 tabular-nums dark:border-slate-600 dark:bg-slate-900"
              />
              <Button
                type="button"
                variant="ghost"
                className="px-2 py-1 text-xs"
                onClick={() => update(drafts.filter((_, k) => k !== i))}
              >
                Remove
              </Button>
            </li>
          ) : null,
        )}
      </ul>
      <div className="mt-3 flex items-center justify-between gap-2">
        <Button
          type="button"
          variant="secondary"
          onClick={() => update([...drafts, { metric: settings.criteria[0], bound: 'atMost', value: '' }])}
        >
          Add constraint
        </Button>
        {excluded > 0 && (
          <span className="text-sm text-amber-700 dark:text-amber-400">{excluded} configurations excluded</span>
        )}
      </div>
    </Card>
  );
}

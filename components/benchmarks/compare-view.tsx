'use client';
import { useMemo, useState } from 'react';
import { Card } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { Table, Td } from '@/components/ui/table';
import { compareResults, DEFAULT_REGRESSION_THRESHOLD } from '@/lib/domain/benchmarks/compare';
import { listMetricCoverage } from '@/lib/domain/benchmarks/ranking-settings';
import { METRIC_KEYS, type MetricKey } from '@/lib/domain/benchmarks/results';
import { useDatasetResults } from './hooks/use-datasets';
import { formatNumber, metricHeading } from './metric-format';
import type { DatasetRow, ResultRow } from './types';

const SHOWN = 500;
const STATUS_CLASS = {
  regression: 'bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200',
  improvement: 'bg-green-50 text-green-800 dark:bg-green-950 dark:text-green-200',
  unchanged: '',
} as const;

function formatChange(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+∞' : '−∞';
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;
}

type Named = Pick<DatasetRow, 'id' | 'name'>;

/** Two datasets side by side on one metric: regressions (B worse than A beyond the threshold) first. */
export function CompareView({ a, b }: { a: Named; b: Named }) {
  const ra = useDatasetResults(a.id);
  const rb = useDatasetResults(b.id);
  if (ra.isPending || rb.isPending) return <p className="text-sm">Loading results…</p>;
  if (ra.isError || rb.isError) {
    return (
      <p role="alert" className="text-sm text-red-700">
        Could not load results: {(ra.error ?? rb.error)?.message}
      </p>
    );
  }
  return <CompareTable a={a} b={b} resultsA={ra.data} resultsB={rb.data} />;
}

function CompareTable({
  a,
  b,
  resultsA,
  resultsB,
}: {
  a: Named;
  b: Named;
  resultsA: ResultRow[];
  resultsB: ResultRow[];
}) {
  const metrics = useMemo(() => {
    const present = new Set(
      listMetricCoverage([...resultsA, ...resultsB])
        .filter((c) => c.count > 0)
        .map((c) => c.metric),
    );
    return METRIC_KEYS.filter((k) => present.has(k));
  }, [resultsA, resultsB]);
  const [metric, setMetric] = useState<MetricKey>(
    metrics.includes('tokensPerSecond') ? 'tokensPerSecond' : (metrics[0] ?? 'tokensPerSecond'),
  );
  const [thresholdPct, setThresholdPct] = useState(DEFAULT_REGRESSION_THRESHOLD * 100);
  const threshold =
    Number.isFinite(thresholdPct) && thresholdPct >= 0 ? thresholdPct / 100 : DEFAULT_REGRESSION_THRESHOLD;
  const cmp = useMemo(
    () => compareResults(resultsA, resultsB, metric, threshold),
    [resultsA, resultsB, metric, threshold],
  );
  const c = cmp.counts;
  return (
    <div className="space-y-6">
      <Card title="Settings">
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Metric" value={metric} onChange={(e) => setMetric(e.target.value as MetricKey)}>
            {metrics.map((k) => (
              <option key={k} value={k}>
                {metricHeading(k)}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Regression threshold (%)"
            type="number"
            min={0}
            step={0.5}
            value={thresholdPct}
            onChange={(e) => setThresholdPct(e.target.valueAsNumber)}
          />
        </div>
      </Card>
      <ul className="flex flex-wrap gap-4 text-sm" aria-label="Comparison summary">
        <li className="text-red-700 dark:text-red-400" data-testid="compare-regressions">
          <strong>{c.regressions}</strong> regressions
        </li>
        <li className="text-green-700 dark:text-green-400" data-testid="compare-improvements">
          <strong>{c.improvements}</strong> improvements
        </li>
        <li data-testid="compare-unchanged">
          <strong>{c.unchanged}</strong> unchanged
        </li>
        <li data-testid="compare-unmatched">
          <strong>{c.unmatchedA + c.unmatchedB}</strong> unmatched ({c.unmatchedA} only in A, {c.unmatchedB} only in B)
        </li>
        {c.missingMetric > 0 && <li>{c.missingMetric} matched without this metric</li>}
      </ul>
      <Card title={`A: ${a.name} → B: ${b.name}`}>
        {cmp.pairs.length === 0 ? (
          <p className="text-sm">No configuration of A matches one of B on this metric.</p>
        ) : (
          <Table
            caption="Matched configurations, worst regression first"
            head={['Configuration', `A · ${metricHeading(metric)}`, 'B', 'Change']}
          >
            {cmp.pairs.slice(0, SHOWN).map((p) => (
              <tr key={p.key} data-testid="compare-row" data-status={p.status} className={STATUS_CLASS[p.status]}>
                <Td className="font-mono text-xs">
                  {p.key}
                  {p.matchedBy === 'fallback' && <span className="ml-1 text-slate-500">(≈ {p.b.configurationId})</span>}
                </Td>
                <Td className="tabular-nums">{formatNumber(p.valueA)}</Td>
                <Td className="tabular-nums">{formatNumber(p.valueB)}</Td>
                <Td className="tabular-nums font-medium">{formatChange(p.relativeChange)}</Td>
              </tr>
            ))}
          </Table>
        )}
        {cmp.pairs.length > SHOWN && (
          <p className="mt-2 text-sm text-slate-500">
            Showing the first {SHOWN} of {cmp.pairs.length}.
          </p>
        )}
      </Card>
    </div>
  );
}

'use client';
import { useMemo, useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import {
  listMetricCoverage,
  suggestRankingSettings,
  type RankingSettings,
} from '@/lib/domain/benchmarks/ranking-settings';
import type { MetricKey } from '@/lib/domain/benchmarks/results';
import { ConstraintsEditor } from './constraints-editor';
import { useDatasetResults } from './hooks/use-datasets';
import { useLocalRanking } from './hooks/use-local-ranking';
import { ProfileBar } from './profile-bar';
import { Recommendations } from './recommendations';
import { ResultsTable } from './results-table';
import { ResultsTokenPanel } from './results-token-panel';
import { ScatterSection } from './scatter-section';
import { SharePanel } from './share-panel';
import type { DatasetRow, ResultRow } from './types';
import { WeightsPanel } from './weights-panel';

/** The dataset page: loads the results once, then ranks them in the browser as settings change. */
export function DatasetWorkbench({ dataset, canShare }: { dataset: DatasetRow; canShare: boolean }) {
  const results = useDatasetResults(dataset.id);
  if (results.isPending)
    return <p className="text-sm">Loading {dataset.resultCount.toLocaleString('en-US')} results…</p>;
  if (results.isError)
    return (
      <p role="alert" className="text-sm text-red-700">
        Could not load results: {results.error.message}
      </p>
    );
  const suggested = suggestRankingSettings(results.data);
  if (!suggested) {
    return (
      <EmptyState title="No results yet">Results appear here as the sweep posts them, or after an import.</EmptyState>
    );
  }
  return <RankingWorkbench dataset={dataset} results={results.data} suggested={suggested} canShare={canShare} />;
}

function RankingWorkbench({
  dataset,
  results,
  suggested,
  canShare,
}: {
  dataset: DatasetRow;
  results: ResultRow[];
  suggested: RankingSettings;
  canShare: boolean;
}) {
  // What the user is editing (UI state); the results themselves stay in the query cache.
  const [settings, setSettings] = useState<RankingSettings>(suggested);
  // Bumped when a profile is applied, so editors holding drafts start over from the new settings.
  const [revision, setRevision] = useState(0);
  const metrics = useMemo(
    () =>
      listMetricCoverage(results)
        .filter((c) => c.count > 0)
        .map((c) => c.metric),
    [results],
  );
  const allZero = settings.weights.every((w) => w === 0);
  const ranked = useMemo(
    () => (allZero ? { ...settings, weights: settings.weights.map(() => 1) } : settings),
    [settings, allZero],
  );
  const ranking = useLocalRanking(results, ranked, 5);
  const excluded = ranking.prepared.m.rows - ranking.prepared.prepared.feasibleRows.length;
  const columns: MetricKey[] = [...settings.criteria, ...metrics.filter((k) => !settings.criteria.includes(k))].slice(
    0,
    6,
  );

  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-[22rem_1fr]">
      <div className="space-y-6">
        <WeightsPanel settings={settings} metrics={metrics} onChange={setSettings} />
        <ConstraintsEditor key={revision} settings={settings} excluded={excluded} onChange={setSettings} />
        <ProfileBar
          settings={settings}
          metrics={metrics}
          onApply={(s) => {
            setSettings(s);
            setRevision((r) => r + 1);
          }}
        />
        {canShare && <SharePanel datasetId={dataset.id} datasetName={dataset.name} settings={ranked} />}
        {canShare && <ResultsTokenPanel datasetId={dataset.id} hasToken={dataset.hasResultsToken} />}
      </div>
      <div className="min-w-0 space-y-6">
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="ranking-summary">
          Ranking {ranking.prepared.prepared.feasibleRows.length.toLocaleString('en-US')} of{' '}
          {results.length.toLocaleString('en-US')} results
          {results.length > ranking.prepared.m.rows &&
            ` (${(results.length - ranking.prepared.m.rows).toLocaleString('en-US')} lack a chosen criterion)`}
          {excluded > 0 && `, ${excluded.toLocaleString('en-US')} excluded by constraints`}.
        </p>
        <Recommendations results={results} settings={settings} ranking={ranking} />
        <ScatterSection key={revision} results={results} metrics={metrics} settings={settings} ranking={ranking} />
        <ResultsTable results={results} columns={columns} ranking={ranking} />
      </div>
    </div>
  );
}

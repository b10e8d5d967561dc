'use client';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { formatDeployHref, formatResultLabel, type RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import type { LocalRanking } from './hooks/use-local-ranking';
import { formatNumber, metricLabel } from './metric-format';
import type { ResultRow } from './types';

/** The top configurations under the current weights, each with why it ranks there. */
export function Recommendations({
  results,
  settings,
  ranking,
}: {
  results: ResultRow[];
  settings: RankingSettings;
  ranking: LocalRanking;
}) {
  const recs = ranking.scored.recommendations;
  return (
    <Card title="Top recommendations">
      {recs.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No configuration meets every constraint with all chosen criteria measured.
        </p>
      ) : (
        <ol className="space-y-3">
          {recs.map((rec) => {
            const result = results[ranking.prepared.rows[rec.index]];
            return (
              <li
                key={result.id}
                data-testid="recommendation"
                className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
              >
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p className="font-medium">
                    <span className="mr-2 tabular-nums text-indigo-700 dark:text-indigo-300">#{rec.rank}</span>
                    <span data-testid="recommendation-label">{formatResultLabel(result)}</span>
                  </p>
                  <Link
                    href={formatDeployHref(result)}
                    className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                    aria-label={`Deploy configuration ranked ${rec.rank}`}
                  >
                    Deploy this configuration →
                  </Link>
                </div>
                <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{rec.reason}</p>
                <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
                  {settings.criteria.map((k) => `${metricLabel(k)} ${formatNumber(result.metrics[k])}`).join(' · ')}
                </p>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}

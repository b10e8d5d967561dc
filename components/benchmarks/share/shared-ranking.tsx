import type { ShareSnapshot } from '@/lib/domain/benchmarks/ranking-settings';
import { Card } from '@/components/ui/card';
import { formatNumber, formatWeightShare, metricHeading, metricLabel } from '../metric-format';
import { ParetoScatter } from '../pareto-scatter';
import { buildSharedScatter } from './shared-points';

const MAX_ROWS = 200;

/** The read-only page behind a share link: exact settings, top picks with reasons, scatter, table. */
export function SharedRanking({
  title,
  createdAt,
  snapshot,
}: {
  title: string;
  createdAt: string;
  snapshot: ShareSnapshot;
}) {
  const { settings, rows } = snapshot;
  const scatter = buildSharedScatter(snapshot);
  const ordered = [...rows].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  return (
    <main className="mx-auto max-w-6xl space-y-6 px-4 py-8">
      <header>
        <p className="text-sm font-medium text-indigo-700 dark:text-indigo-300">Gantry · shared benchmark ranking</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {snapshot.datasetName} · {rows.length} configurations ranked · snapshot of {createdAt.slice(0, 10)}; later
          results do not change this page.
        </p>
      </header>
      <div className="grid grid-cols-1 gap-6 md:grid-cols-2">
        <Card title="Weights">
          <ul className="space-y-1 text-sm">
            {settings.criteria.map((k, j) => (
              <li key={k} data-testid="shared-weight" className="flex justify-between gap-4">
                <span>
                  {metricLabel(k)}{' '}
                  <span className="text-slate-500">
                    ({settings.directions[j] === 'benefit' ? 'higher is better' : 'lower is better'})
                  </span>
                </span>
                <span className="tabular-nums">
                  weight {settings.weights[j]} ({formatWeightShare(settings.weights, j)})
                </span>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-500">TOPSIS with {settings.normalization} normalization.</p>
        </Card>
        <Card title="Constraints">
          {settings.constraints.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">None: every configuration was ranked.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="shared-constraints">
              {settings.constraints.map((c, i) => (
                <li key={i}>
                  {metricHeading(c.metric)} {c.atMost !== undefined && `at most ${c.atMost}`}{' '}
                  {c.atLeast !== undefined && `at least ${c.atLeast}`}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title="Top recommendations">
        <ol className="space-y-2">
          {snapshot.recommendations.map((rec) => (
            <li key={rec.index} data-testid="shared-recommendation" className="text-sm">
              <p className="font-medium">
                #{rec.rank} {rows[rec.index].label}
              </p>
              <p className="text-slate-600 dark:text-slate-400">{rec.reason}</p>
            </li>
          ))}
        </ol>
      </Card>
      <Card title="Trade-offs">
        <ParetoScatter points={scatter.points} xLabel={scatter.xLabel} yLabel={scatter.yLabel} cLabel="TOPSIS score" />
      </Card>
      <Card title="Ranked configurations">
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800">
            <thead>
              <tr className="text-left text-slate-600 dark:text-slate-400">
                <th className="px-3 py-2 font-medium">Rank</th>
                <th className="px-3 py-2 font-medium">Configuration</th>
                {settings.criteria.map((k) => (
                  <th key={k} className="px-3 py-2 font-medium">
                    {metricHeading(k)}
                  </th>
                ))}
                <th className="px-3 py-2 font-medium">Score</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {ordered.slice(0, MAX_ROWS).map((r) => (
                <tr key={r.resultId} data-testid="shared-row" className={r.rank === null ? 'text-slate-400' : ''}>
                  <td className="px-3 py-1.5 tabular-nums" title={r.excludedBy.join('; ') || undefined}>
                    {r.rank ?? '—'}
                  </td>
                  <td className="px-3 py-1.5">{r.label}</td>
                  {r.values.map((v, j) => (
                    <td key={j} className="px-3 py-1.5 tabular-nums">
                      {formatNumber(v)}
                    </td>
                  ))}
                  <td className="px-3 py-1.5 tabular-nums">{r.closeness === null ? '—' : r.closeness.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {ordered.length > MAX_ROWS && (
          <p className="mt-2 text-xs text-slate-500">
            Showing the best {MAX_ROWS} of {ordered.length}.
          </p>
        )}
        {snapshot.missingCriteria > 0 && (
          <p className="mt-2 text-xs text-slate-500">
            {snapshot.missingCriteria} results of the dataset lacked a criterion and were not ranked.
          </p>
        )}
      </Card>
    </main>
  );
}

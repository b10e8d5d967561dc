'use client';
import { useState } from 'react';
import { Card } from '@/components/ui/card';
import { Pager, usePaged } from '@/components/ui/pager';
import type { MetricKey } from '@/lib/domain/benchmarks/results';
import type { LocalRanking } from './hooks/use-local-ranking';
import { useTableRows, type SortKey, type TableQuery } from './hooks/use-table-rows';
import { formatNumber, metricHeading } from './metric-format';
import type { ResultRow } from './types';

const PAGE_SIZE = 50;

/** Every result with its live rank: sortable by any column, filterable, 50 rows a page. */
export function ResultsTable({
  results,
  columns,
  ranking,
}: {
  results: ResultRow[];
  columns: MetricKey[];
  ranking: LocalRanking;
}) {
  const [q, setQ] = useState<TableQuery>({ sort: 'rank', descending: false, filter: '', rankedOnly: false });
  const rows = useTableRows(results, ranking, q);
  const current = usePaged(rows, PAGE_SIZE);
  const sortBy = (sort: SortKey) => {
    setQ((old) => ({ ...old, sort, descending: old.sort === sort ? !old.descending : false }));
    current.setPage(0);
  };
  const heads: { key: SortKey; label: string }[] = [
    { key: 'rank', label: 'Rank' },
    { key: 'label', label: 'Configuration' },
    ...columns.map((k) => ({ key: k, label: metricHeading(k) })),
  ];

  return (
    <Card title={`Results (${rows.length.toLocaleString('en-US')} of ${results.length.toLocaleString('en-US')})`}>
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        <input
          type="search"
          aria-label="Filter results"
          placeholder="Filter by model, engine, GPU…"
          value={q.filter}
          onChange={(e) => {
            setQ({ ...q, filter: e.target.value });
            current.setPage(0);
          }}
          className="min-w-64 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-600 dark:bg-slate-900"
        />
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={q.rankedOnly}
            onChange={(e) => setQ({ ...q, rankedOnly: e.target.checked })}
          />
          Ranked only
        </label>
      </div>
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800">
          <caption className="sr-only">Benchmark results with their rank under the current weights</caption>
          <thead>
            <tr>
              {heads.map((h) => (
                <th
                  key={h.key}
                  scope="col"
                  aria-sort={q.sort === h.key ? (q.descending ? 'descending' : 'ascending') : 'none'}
                  className="px-3 py-2 text-left font-medium text-slate-600 dark:text-slate-400"
                >
                  <button type="button" onClick={() => sortBy(h.key)} className="hover:underline">
                    {h.label}
                    {q.sort === h.key ? (q.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
              <th scope="col" className="px-3 py-2 text-left font-medium text-slate-600 dark:text-slate-400">
                Score
              </th>
              <th scope="col" className="px-3 py-2 text-left font-medium text-slate-600 dark:text-slate-400">
                Pareto
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {current.items.map((r) => (
              <tr
                key={r.result.id}
                data-testid="result-row"
                className={r.rank === null ? 'text-slate-400 dark:text-slate-500' : ''}
              >
                <td className="px-3 py-1.5 tabular-nums" title={r.why ?? undefined}>
                  {r.rank ?? '—'}
                </td>
                <td className="min-w-80 px-3 py-1.5">{r.label}</td>
                {columns.map((k) => (
                  <td key={k} className="px-3 py-1.5 tabular-nums">
                    {formatNumber(r.result.metrics[k])}
                  </td>
                ))}
                <td className="px-3 py-1.5 tabular-nums">{r.closeness === null ? '—' : r.closeness.toFixed(3)}</td>
                <td className="px-3 py-1.5 tabular-nums">
                  {r.paretoRank === null ? '—' : r.paretoRank === 1 ? 'front' : r.paretoRank}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager label="Result pages" {...current} />
    </Card>
  );
}

'use client';
import { useMemo, useState } from 'react';
import { Card } from '@/components/ui/card';
import { SelectField } from '@/components/ui/field';
import { formatResultLabel, type RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { METRICS, type MetricKey } from '@/lib/domain/benchmarks/results';
import { findParetoFront2d } from '@/lib/domain/benchmarks/scatter';
import type { LocalRanking } from './hooks/use-local-ranking';
import { metricHeading } from './metric-format';
import { ParetoScatter, type ScatterPoint } from './pareto-scatter';
import type { ResultRow } from './types';

const SCORE = 'score';
type ColourKey = MetricKey | typeof SCORE | '';

/** Any two metrics against each other, coloured by a third (or the TOPSIS score). */
export function ScatterSection({
  results,
  metrics,
  settings,
  ranking,
}: {
  results: ResultRow[];
  metrics: MetricKey[];
  settings: RankingSettings;
  ranking: LocalRanking;
}) {
  const [x, setX] = useState<MetricKey>(settings.criteria[0]);
  const [y, setY] = useState<MetricKey>(
    settings.criteria[1] ?? metrics.find((m) => m !== settings.criteria[0]) ?? settings.criteria[0],
  );
  const [colour, setColour] = useState<ColourKey>(SCORE);
  const { criteria, directions } = settings;

  const points = useMemo(() => {
    const direction = (k: MetricKey) => {
      const j = criteria.indexOf(k);
      return j >= 0 ? directions[j] : METRICS[k].direction;
    };
    const out: ScatterPoint[] = [];
    results.forEach((r, i) => {
      const vx = r.metrics[x];
      const vy = r.metrics[y];
      if (vx === undefined || vy === undefined) return;
      const row = ranking.rowOf[i];
      const c =
        colour === SCORE
          ? row >= 0
            ? ranking.scored.closeness[row]
            : null
          : colour
            ? (r.metrics[colour] ?? null)
            : null;
      out.push({ x: vx, y: vy, c, label: formatResultLabel(r), front: false });
    });
    for (const i of findParetoFront2d(out, direction(x), direction(y))) out[i].front = true;
    return out;
  }, [results, x, y, colour, ranking, criteria, directions]);

  const options = metrics.map((k) => (
    <option key={k} value={k}>
      {metricHeading(k)}
    </option>
  ));
  return (
    <Card title="Trade-offs">
      <div className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-3">
        <SelectField label="X axis" value={x} onChange={(e) => setX(e.target.value as MetricKey)}>
          {options}
        </SelectField>
        <SelectField label="Y axis" value={y} onChange={(e) => setY(e.target.value as MetricKey)}>
          {options}
        </SelectField>
        <SelectField label="Colour" value={colour} onChange={(e) => setColour(e.target.value as ColourKey)}>
          <option value={SCORE}>TOPSIS score</option>
          <option value="">none</option>
          {options}
        </SelectField>
      </div>
      {points.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No result has both of these metrics.</p>
      ) : (
        <ParetoScatter
          points={points}
          xLabel={metricHeading(x)}
          yLabel={metricHeading(y)}
          cLabel={colour === SCORE ? 'TOPSIS score' : colour ? metricHeading(colour) : null}
        />
      )}
    </Card>
  );
}

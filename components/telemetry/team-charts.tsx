'use client';
import { useState } from 'react';
import { Card } from '@/components/ui/card';
import { InlineSelect } from '@/components/ui/field';
import { RangeSelector } from './range-selector';
import { SeriesChart } from './series-chart';
import type { ChartRange } from './types';

/** GPUs held by one team's jobs over time; researchers get their own teams, admins every team. */
export function TeamCharts({ teams }: { teams: string[] }) {
  const [range, setRange] = useState<ChartRange>('24h');
  const [team, setTeam] = useState(teams[0] ?? '');
  return (
    <div data-testid="team-charts">
      <Card title="Team GPUs over time" actions={<RangeSelector value={range} onChange={setRange} />}>
        {teams.length === 0 ? (
          <p className="text-sm text-slate-500">You are in no team yet, so there is no team chart to show.</p>
        ) : (
          <div className="space-y-3">
            <InlineSelect label="Team" value={team} options={teams} onChange={setTeam} />
            <SeriesChart target={{ scope: 'team', id: team, label: `Team ${team}` }} range={range} />
            <p className="text-xs text-slate-500">
              Counts each GPU only while one of the team&apos;s pods held it. A time-sliced GPU counts whole for every
              team sharing it: its utilization cannot be split between pods.
            </p>
          </div>
        )}
      </Card>
    </div>
  );
}

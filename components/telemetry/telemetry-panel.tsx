'use client';
import { Card } from '@/components/ui/card';
import { IdleGpuList } from './idle-gpu-list';
import { PoolCharts } from './pool-charts';
import { TeamCharts } from './team-charts';
import { TelemetrySettingsForm } from './telemetry-settings-form';
import { UsageTable } from './usage-table';

/** The GPUs page's telemetry: pool charts and heatmap, per-node/GPU charts, team charts, idle list, usage. */
export function TelemetryPanel({ pools, teams, isAdmin }: { pools: string[]; teams: string[]; isAdmin: boolean }) {
  return (
    <div className="space-y-6">
      <PoolCharts pools={pools} />
      <TeamCharts teams={teams} />
      {isAdmin && (
        <Card title="Idle GPUs">
          <IdleGpuList />
        </Card>
      )}
      <Card title="GPU usage (last 30 days)">
        <UsageTable isAdmin={isAdmin} />
      </Card>
      {isAdmin && (
        <Card title="Telemetry settings">
          <TelemetrySettingsForm />
        </Card>
      )}
    </div>
  );
}

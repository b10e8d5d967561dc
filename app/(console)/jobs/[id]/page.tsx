import type { Metadata } from 'next';
import { JobDetail } from '@/components/jobs/job-detail';
import { IdleGpuBadge, JobGpuUsage } from '@/components/telemetry/job-gpu-usage';
import { Card, PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Job' };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor } = await requirePageCtx('viewer');
  const { id } = await params;
  return (
    <>
      <PageHeader
        title="Job"
        description="State, why it waits, where it runs, and its timeline. Updates every two seconds."
        actions={<IdleGpuBadge jobId={id} />}
      />
      <div className="space-y-6">
        <JobDetail id={id} actorId={actor.id} isAdmin={actor.role === 'admin'} canSubmit={actor.role !== 'viewer'} />
        <Card title="GPU usage">
          <JobGpuUsage jobId={id} />
        </Card>
      </div>
    </>
  );
}

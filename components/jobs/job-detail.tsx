'use client';
import { useRouter } from 'next/navigation';
import { ApiError } from '@/components/api';
import { formatDate } from '@/components/format';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { formatEta } from './format';
import { JobTimeline } from './job-timeline';
import { JobWorkflow } from './job-workflow';
import { StateBadge } from './state-badge';
import { useJob, useJobAction } from './use-jobs';

export function JobDetail({
  id,
  actorId,
  isAdmin,
  canSubmit,
}: {
  id: string;
  actorId: string;
  isAdmin: boolean;
  canSubmit: boolean;
}) {
  const job = useJob(id);
  const router = useRouter();
  const cancel = useJobAction(id, 'cancel');
  const retry = useJobAction(id, 'retry');
  const resubmit = useJobAction(id, 'resubmit', (next) => router.push(`/jobs/${next.id}`));
  if (job.isError)
    return (
      <p role="alert">
        {job.error instanceof ApiError && job.error.status === 404 ? 'No such job.' : job.error.message}
      </p>
    );
  if (!job.data) return <p className="text-sm text-slate-600">Loading…</p>;
  const j = job.data;
  const fail = cancel.error ?? resubmit.error ?? retry.error;
  const canResubmit = canSubmit && (isAdmin || j.user.id === actorId);
  // The server also checks that the workflow still exists and answers why when it does not.
  const canRetry = canResubmit && j.state === 'failed' && j.workflowName !== null;
  return (
    <div className="space-y-6">
      <Card
        title={`${j.name} #${j.id}`}
        actions={
          <div className="flex gap-2">
            {j.canCancel && (
              <Button variant="danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
                Cancel job
              </Button>
            )}
            {canRetry && (
              <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate()}>
                Retry failed steps
              </Button>
            )}
            {canResubmit && (
              <Button variant="secondary" disabled={resubmit.isPending} onClick={() => resubmit.mutate()}>
                Resubmit
              </Button>
            )}
          </div>
        }
      >
        {fail && (
          <p role="alert" className="mb-3 text-sm text-red-700">
            {fail.message}
          </p>
        )}
        <div className="mb-4 flex flex-wrap items-center gap-3">
          <StateBadge state={j.state} />
          {j.message && (
            <p className="text-sm" data-testid="job-message">
              {j.message}
            </p>
          )}
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
          <Item label="Team">{j.team}</Item>
          <Item label="Owner">{j.user.email}</Item>
          <Item label="GPUs">
            {j.gpu.count} × {j.gpu.kind}
          </Item>
          <Item label="Priority">{j.priority}</Item>
          <Item label="Reason">{j.reason ?? '—'}</Item>
          <Item label="Position">{j.position !== null ? `${j.position} overall, ${j.teamPosition} in team` : '—'}</Item>
          <Item label="ETA">{j.eta ? `${formatDate(j.eta)} (${formatEta(j.eta)})` : '—'}</Item>
          <Item label="Placement">{j.placements?.map((p) => `${p.node} (${p.count})`).join(', ') ?? '—'}</Item>
          <Item label="Workflow">{j.workflowName ?? '—'}</Item>
          <Item label="Submitted">{formatDate(j.submittedAt)}</Item>
          <Item label="Expected runtime">{Math.round(j.expectedRuntimeSeconds / 60)} min</Item>
          <Item label="Borrowed GPUs">{j.borrowed}</Item>
        </dl>
      </Card>
      <Card title="Timeline">
        <JobTimeline events={j.events} />
      </Card>
      {j.workflowName && (
        <JobWorkflow id={j.id} live={j.state === 'submitted' || j.state === 'running'} canReadLogs={j.spec !== null} />
      )}
      {j.spec && (
        <Card title="Spec">
          <pre className="overflow-x-auto text-xs">{JSON.stringify(j.spec, null, 2)}</pre>
        </Card>
      )}
    </div>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="font-medium">{children}</dd>
    </div>
  );
}

'use client';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { useIssueResultsToken } from './hooks/use-datasets';

/** For sweeps run outside Gantry's queue: a token that can only post results into this dataset. */
export function ResultsTokenPanel({ datasetId, hasToken }: { datasetId: string; hasToken: boolean }) {
  const issue = useIssueResultsToken(datasetId);
  return (
    <Card title="Post results">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Benchmark steps post one result per configuration and attempt to{' '}
        <code className="font-mono">POST /api/benchmarks/results</code>. Replays are answered with the stored row; a
        different result for the same attempt is refused.
      </p>
      <Button
        type="button"
        variant="secondary"
        className="mt-3"
        disabled={issue.isPending}
        onClick={() => issue.mutate()}
      >
        {hasToken || issue.data ? 'Replace results token' : 'Issue results token'}
      </Button>
      {issue.isError && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {issue.error.message}
        </p>
      )}
      {issue.data && (
        <div role="status" className="mt-3 text-xs">
          <p>Copy it now: it is not shown again, and any earlier token stopped working.</p>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 dark:bg-slate-800">
            {`curl -X POST ${window.location.origin}/api/benchmarks/results \\\n  -H 'Authorization: Bearer ${issue.data.token}' \\\n  -H 'content-type: application/json' -d @result.json`}
          </pre>
        </div>
      )}
    </Card>
  );
}

'use client';
// The preview page: pasted text and the expanded set are local state; the answer comes from
// POST /api/workflows/preview, cached by both, so expanding re-posts and collapsing is instant.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch } from '@/components/api';
import { workflowPreviewKeys } from '@/components/query-keys';
import { Card } from '@/components/ui/card';
import { PreviewForm } from '@/components/workflows/preview-form';
import { PreviewResult } from '@/components/workflows/preview-result';
import type { WorkflowPreview } from '@/lib/domain/workflow/preview';

export function WorkflowPreviewClient() {
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState<{ yaml: string; run: number } | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const yaml = submitted?.yaml ?? '';
  const preview = useQuery({
    queryKey: workflowPreviewKeys.preview(yaml, expanded),
    queryFn: () => apiFetch<WorkflowPreview>('/api/workflows/preview', { method: 'POST', json: { yaml, expanded } }),
    enabled: submitted !== null,
    staleTime: Infinity,
    retry: false,
    // While an expansion loads, keep drawing the same workflow; a new paste starts blank.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1].yaml === yaml ? previous : undefined),
  });

  function onPreview(next: string) {
    setExpanded([]);
    setSubmitted((prev) => ({ yaml: next, run: (prev?.run ?? 0) + 1 }));
  }

  return (
    <div className="space-y-6">
      <Card>
        <PreviewForm text={text} onTextChange={setText} onPreview={onPreview} pending={preview.isFetching} />
      </Card>
      {submitted && (
        <Card title="Result">
          {preview.isPending && <p className="text-sm">Checking…</p>}
          {preview.isError && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              Could not preview: {preview.error.message}
            </p>
          )}
          {preview.data && (
            <PreviewResult
              key={submitted.run}
              preview={preview.data}
              expandedCount={expanded.length}
              refreshing={preview.isPlaceholderData}
              onExpand={(key) => setExpanded((prev) => (prev.includes(key) ? prev : [...prev, key]))}
              onCollapseAll={() => setExpanded([])}
            />
          )}
        </Card>
      )}
    </div>
  );
}

'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';

export function NewTokenNotice({ name, token, onDismiss }: { name: string; token: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div
      role="status"
      className="mb-6 rounded-md border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950"
    >
      <p className="text-sm font-medium">Token “{name}” created. Copy it now: it will not be shown again.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="new-token"
          className="break-all rounded bg-white px-2 py-1 font-mono text-sm dark:bg-slate-900"
        >
          {token}
        </code>
        <Button
          variant="secondary"
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(token).catch(() => {});
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button variant="ghost" type="button" onClick={onDismiss}>
          Done
        </Button>
      </div>
    </div>
  );
}

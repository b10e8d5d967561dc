'use client';
import { useState } from 'react';
import { formatDate } from '@/components/format';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { useCreateShare, useRevokeShare, useShares } from './hooks/use-shares';

/** Freeze the current ranking behind a link anyone can open; list and revoke my links. */
export function SharePanel({
  datasetId,
  datasetName,
  settings,
}: {
  datasetId: string;
  datasetName: string;
  settings: RankingSettings;
}) {
  const shares = useShares(datasetId);
  const create = useCreateShare(datasetId);
  const revoke = useRevokeShare(datasetId);
  const [title, setTitle] = useState('');
  const [copied, setCopied] = useState(false);
  const url = create.data ? `${window.location.origin}${create.data.path}` : null;

  return (
    <Card title="Share">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          setCopied(false);
          create.mutate({ title: title.trim() || undefined, settings });
        }}
      >
        <TextField
          label="Title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          placeholder={`Ranking of ${datasetName}`}
          maxLength={120}
        />
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create share link'}
        </Button>
      </form>
      {create.isError && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {create.error.message}
        </p>
      )}
      {url && (
        <div
          role="status"
          className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950"
        >
          <p>Anyone with this link sees the ranking as it is now; later results do not change it.</p>
          <a
            data-testid="share-url"
            href={url}
            target="_blank"
            rel="noreferrer"
            className="mt-1 block break-all font-mono text-xs text-indigo-700 dark:text-indigo-300"
          >
            {url}
          </a>
          <Button
            type="button"
            variant="secondary"
            className="mt-2"
            onClick={() =>
              navigator.clipboard?.writeText(url).then(
                () => setCopied(true),
                () => {},
              )
            }
          >
            {copied ? 'Copied' : 'Copy link'}
          </Button>
        </div>
      )}
      {shares.data && shares.data.length > 0 && (
        <ul className="mt-4 space-y-2 text-sm">
          {shares.data.map((s) => (
            <li key={s.id} data-testid="share-row" className="flex items-center justify-between gap-2">
              <span>
                <span className="font-medium">{s.title}</span>
                <span className="block text-xs text-slate-500">
                  {formatDate(s.createdAt)} · {s.rowCount} rows
                </span>
              </span>
              {s.revokedAt ? (
                <span className="text-slate-500">revoked</span>
              ) : (
                <Button
                  type="button"
                  variant="danger"
                  className="px-2 py-1 text-xs"
                  aria-label={`Revoke share ${s.title}`}
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(s.id)}
                >
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ApiError } from '@/components/api';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useUploadDataset } from './hooks/use-datasets';

/** Upload a generic CSV or JSON results table (one column per result field and metric key). */
export function UploadForm() {
  const router = useRouter();
  const upload = useUploadDataset();
  const [fileError, setFileError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return setFileError('Choose a .csv or .json file');
    setFileError(null);
    const format = file.name.toLowerCase().endsWith('.json') ? 'json' : 'csv';
    const name = String(form.get('name') ?? '').trim() || file.name.replace(/\.(csv|json)$/i, '');
    upload.mutate({ name, format, text: await file.text() }, { onSuccess: (d) => router.push(`/benchmarks/${d.id}`) });
  }

  const err = upload.error instanceof ApiError ? upload.error : null;
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
      <div className="min-w-56 flex-1">
        <TextField
          label="Dataset name"
          name="name"
          placeholder="defaults to the file name"
          maxLength={120}
          error={err?.fieldMessage('name')}
        />
      </div>
      <div>
        <label className="block text-sm font-medium text-slate-700 dark:text-slate-300" htmlFor="bench-file">
          Results file (CSV or JSON)
        </label>
        <input
          id="bench-file"
          name="file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          className="mt-1 block text-sm"
        />
      </div>
      <Button type="submit" disabled={upload.isPending}>
        {upload.isPending ? 'Uploading…' : 'Upload'}
      </Button>
      {(fileError || err) && (
        <div role="alert" className="w-full text-sm text-red-700 dark:text-red-400">
          <p>{fileError ?? err?.message}</p>
          {err && err.fields.length > 0 && (
            <ul className="mt-1 list-disc pl-5">
              {err.fields.slice(0, 8).map((f, i) => (
                <li key={i}>
                  <code>{f.field}</code>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

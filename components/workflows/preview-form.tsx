'use client';
// The paste box: a labelled textarea, an example menu and the Preview button (Ctrl+Enter too).
import { useId, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import { PREVIEW_EXAMPLES } from './preview-examples';

export interface PreviewFormProps {
  text: string;
  onTextChange: (text: string) => void;
  onPreview: (text: string) => void;
  pending: boolean;
}

export function PreviewForm({ text, onTextChange, onPreview, pending }: PreviewFormProps) {
  const id = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    onPreview(text);
  }
  return (
    <form onSubmit={submit} className="space-y-3">
      <div className="max-w-sm">
        <SelectField
          label="Load example"
          value=""
          onChange={(e) => {
            const example = PREVIEW_EXAMPLES.find((x) => x.id === e.target.value);
            if (!example) return;
            onTextChange(example.yaml);
            onPreview(example.yaml);
          }}
        >
          <option value="">Choose an example…</option>
          {PREVIEW_EXAMPLES.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </SelectField>
      </div>
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-slate-700 dark:text-slate-300">
          Workflow YAML
        </label>
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          A Workflow or WorkflowTemplate, as YAML or JSON. Nothing is submitted: Gantry only checks and draws it.
        </p>
        <textarea
          id={id}
          aria-describedby={`${id}-hint`}
          value={text}
          onChange={(e) => onTextChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
          }}
          spellCheck={false}
          rows={14}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-sm focus:border-indigo-500 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
        />
      </div>
      <Button type="submit" disabled={pending || text.trim() === ''}>
        {pending ? 'Previewing…' : 'Preview'}
      </Button>
    </form>
  );
}

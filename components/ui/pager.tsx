'use client';
// One page of a long list at a time (DAG node lists, sweep cells, benchmark results), with its page
// count and Previous / Next below it.
import { useState } from 'react';
import { Button } from './button';
import { paginate } from './paginate';

/** The page shown of `items` and its setter; the page stays in range when the list shrinks. */
export function usePaged<T>(items: readonly T[], pageSize: number) {
  const [page, setPage] = useState(0);
  return { ...paginate(items, page, pageSize), setPage };
}

/** `note` follows the page count in brackets. */
export function Pager({
  label,
  page,
  pages,
  setPage,
  note,
}: {
  label: string;
  page: number;
  pages: number;
  setPage: (page: number) => void;
  note?: string;
}) {
  return (
    <nav aria-label={label} className="mt-3 flex items-center justify-between gap-3 text-sm">
      <span>
        Page {page + 1} of {pages}
        {note !== undefined && ` (${note})`}
      </span>
      <div className="flex gap-2">
        <Button type="button" variant="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous
        </Button>
        <Button type="button" variant="secondary" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
          Next
        </Button>
      </div>
    </nav>
  );
}

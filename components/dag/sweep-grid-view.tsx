'use client';
// A sweep's fan-out as a table of parameter values (buildSweepGrid): each cell a button showing
// its worst phase as icon and words, so a failing configuration stands out without colour.
import type { SweepCell, SweepGrid } from '@/lib/domain/workflow/grid';
import { Pager, usePaged } from '@/components/ui/pager';
import { phaseMeta } from './phase-styles';

/** Past this many table cells (axes with a value per configuration), cells are listed a page at a time. */
const MAX_TABLE_CELLS = 2_500;
const CELL_PAGE_SIZE = 200;

function cellLabel(grid: SweepGrid, cell: SweepCell): string {
  const at = [
    grid.rowParameter ? `${grid.rowParameter}=${cell.row}` : null,
    `${grid.colParameter ?? 'step'}=${cell.col}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${at}: ${phaseMeta(cell.phase).label}${cell.nodes.length > 1 ? `, ${cell.nodes.length} configurations` : ''}`;
}

export function SweepGridView({ grid, onSelect }: { grid: SweepGrid; onSelect?: (nodeId: string) => void }) {
  if (grid.rows.length * grid.cols.length > MAX_TABLE_CELLS) return <SweepCellList grid={grid} onSelect={onSelect} />;
  const cells = new Map(grid.cells.map((c) => [`${c.row}\u0000${c.col}`, c]));
  return (
    <div className="overflow-auto" data-testid="sweep-grid">
      <table className="border-separate border-spacing-1 text-xs">
        <caption className="mb-2 text-left text-sm text-slate-600 dark:text-slate-400">
          {grid.cells.reduce((n, c) => n + c.nodes.length, 0)} configurations
          {grid.colParameter ? ` by ${grid.colParameter}` : ''}
          {grid.rowParameter ? ` and ${grid.rowParameter}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="px-2 text-left font-medium text-slate-500 dark:text-slate-400">
              {grid.rowParameter && grid.colParameter
                ? `${grid.rowParameter} \\ ${grid.colParameter}`
                : (grid.colParameter ?? 'step')}
            </th>
            {grid.cols.map((col) => (
              <th key={col} scope="col" className="px-2 font-mono font-medium">
                {col}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row) => (
            <tr key={row}>
              <th scope="row" className="px-2 text-left font-mono font-medium">
                {row || '—'}
              </th>
              {grid.cols.map((col) => {
                const cell = cells.get(`${row}\u0000${col}`);
                if (!cell)
                  return (
                    <td key={col} className="text-center text-slate-400">
                      ·
                    </td>
                  );
                const meta = phaseMeta(cell.phase);
                const label = cellLabel(grid, cell);
                return (
                  <td key={col}>
                    <button
                      type="button"
                      aria-label={label}
                      title={label}
                      onClick={() => onSelect?.(cell.nodes[0].id)}
                      className={`w-full min-w-12 rounded border px-2 py-1 ${meta.className}`}
                    >
                      <span aria-hidden="true">{meta.icon}</span>
                      {cell.nodes.length > 1 && <span className="ml-1 tabular-nums">×{cell.nodes.length}</span>}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SweepCellList({ grid, onSelect }: { grid: SweepGrid; onSelect?: (nodeId: string) => void }) {
  const current = usePaged(grid.cells, CELL_PAGE_SIZE);
  return (
    <div data-testid="sweep-grid">
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        {grid.cells.length} cells: too many parameter values for a table, so they are listed.
      </p>
      <ul className="flex flex-wrap gap-1 text-xs">
        {current.items.map((cell) => {
          const meta = phaseMeta(cell.phase);
          return (
            <li key={`${cell.row}\u0000${cell.col}`}>
              <button
                type="button"
                onClick={() => onSelect?.(cell.nodes[0].id)}
                className={`rounded border px-2 py-1 ${meta.className}`}
              >
                <span aria-hidden="true">{meta.icon} </span>
                {cellLabel(grid, cell)}
              </button>
            </li>
          );
        })}
      </ul>
      {current.pages > 1 && <Pager label="Cell pages" {...current} />}
    </div>
  );
}

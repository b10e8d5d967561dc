// Hard constraints filter before anything is scored: a configuration over the latency budget must
// not pull the ideal point or the Pareto front towards itself. Browser-safe.
import { z } from 'zod';
import type { FlatMatrix } from './flat-matrix';

/** A bound on one criterion, named by column index or by its name in `criteria`. */
export const RankingConstraint = z
  .object({
    criterion: z.union([z.number().int().nonnegative(), z.string().min(1)]),
    atMost: z.number().optional(),
    atLeast: z.number().optional(),
  })
  .refine((c) => c.atMost !== undefined || c.atLeast !== undefined, {
    message: 'give atMost, atLeast or both',
  })
  .refine((c) => c.atMost === undefined || c.atLeast === undefined || c.atLeast <= c.atMost, {
    message: 'atLeast must not exceed atMost',
    path: ['atLeast'],
  });
export type RankingConstraint = z.infer<typeof RankingConstraint>;

/** A constraint with its criterion resolved to a column index. */
export interface ColumnBound {
  column: number;
  atMost?: number;
  atLeast?: number;
}

export interface ConstraintCheck {
  /** 1 where the row meets every bound */
  feasible: Uint8Array;
  feasibleCount: number;
}

export function applyConstraints(m: FlatMatrix, bounds: readonly ColumnBound[]): ConstraintCheck {
  const { data, rows, cols } = m;
  const feasible = new Uint8Array(rows).fill(1);
  let feasibleCount = rows;
  for (let i = 0; i < rows; i++) {
    for (const b of bounds) {
      const v = data[i * cols + b.column];
      if ((b.atMost !== undefined && v > b.atMost) || (b.atLeast !== undefined && v < b.atLeast)) {
        feasible[i] = 0;
        feasibleCount--;
        break;
      }
    }
  }
  return { feasible, feasibleCount };
}

/** Why row i fails, one line per violated bound, e.g. "p95 latency 250 > 200 (at most)". */
export function explainViolations(
  m: FlatMatrix,
  i: number,
  bounds: readonly ColumnBound[],
  names: readonly string[],
): string[] {
  const out: string[] = [];
  for (const b of bounds) {
    const v = m.data[i * m.cols + b.column];
    const name = names[b.column];
    if (b.atMost !== undefined && v > b.atMost)
      out.push(`${name} ${formatValue(v)} > ${formatValue(b.atMost)} (at most)`);
    if (b.atLeast !== undefined && v < b.atLeast)
      out.push(`${name} ${formatValue(v)} < ${formatValue(b.atLeast)} (at least)`);
  }
  return out;
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

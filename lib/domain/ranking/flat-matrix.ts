// Ranking works on one row-major Float64Array instead of number[][]: 50,000 x 8 values stay in one
// contiguous buffer, which is what keeps TOPSIS and the Pareto sort inside their time budgets.

export interface FlatMatrix {
  /** row-major values: row i, column j at data[i * cols + j] */
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Copies rows of equal length into a FlatMatrix; a ragged row is an error naming the row. */
export function toFlatMatrix(matrix: readonly (readonly number[])[]): FlatMatrix {
  const rows = matrix.length;
  const cols = rows === 0 ? 0 : matrix[0].length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = matrix[i];
    if (row.length !== cols) {
      throw new RangeError(`matrix[${i}] has ${row.length} values, expected ${cols}`);
    }
    data.set(row, i * cols);
  }
  return { data, rows, cols };
}

/** The chosen rows and columns (in the given order) as a new FlatMatrix. */
export function selectFromMatrix(
  m: FlatMatrix,
  rowIndices: ArrayLike<number>,
  colIndices: ArrayLike<number>,
  /** multiply each chosen column by this factor (e.g. -1 to turn a benefit into a cost) */
  colSigns?: ArrayLike<number>,
): FlatMatrix {
  const rows = rowIndices.length;
  const cols = colIndices.length;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const src = rowIndices[r] * m.cols;
    const dst = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = m.data[src + colIndices[c]];
      data[dst + c] = colSigns ? v * colSigns[c] : v;
    }
  }
  return { data, rows, cols };
}

/** Row i as a plain array (for messages and tests). */
export function readRow(m: FlatMatrix, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

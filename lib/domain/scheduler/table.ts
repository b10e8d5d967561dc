// A two-key map (team x GPU kind, cohort x GPU kind). Nested maps instead of joined string keys:
// a pass looks these up for every waiting job, and building key strings dominated its time.
export class Table<V> {
  private readonly rows = new Map<string, Map<string, V>>();

  get(a: string, b: string): V | undefined {
    return this.rows.get(a)?.get(b);
  }

  set(a: string, b: string, value: V): void {
    let row = this.rows.get(a);
    if (!row) this.rows.set(a, (row = new Map()));
    row.set(b, value);
  }

  clone(copy: (v: V) => V = (v) => v): Table<V> {
    const t = new Table<V>();
    for (const [a, row] of this.rows) for (const [b, v] of row) t.set(a, b, copy(v));
    return t;
  }
}

function addTo(table: Table<number>, a: string, b: string, delta: number): void {
  table.set(a, b, (table.get(a, b) ?? 0) + delta);
}

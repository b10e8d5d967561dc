// A two-key map (team x GPU kind, in the fair-share book). Nested maps instead of joined string
// keys: a pass looks these up for every waiting job, and building key strings dominated its time.
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
}

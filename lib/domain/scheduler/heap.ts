// A small binary min-heap; the policy and the simulators order thousands of events and queue heads.
// Items are ordered by a numeric key given with each (a time, a queue position), then, among equal
// keys, by `less` when the heap has one. Keys are compared inline, from a Float64Array: `less` is
// one call site shared by every heap, which V8 cannot inline, and a call per comparison made the
// ETA simulation's events, which need only their time, several times slower to order.
// Sifts move a hole instead of swapping pairs. With `less`, they make the comparisons of the
// textbook swap version, so equal items come out in its order; without it, items of equal key
// come out in no particular order.
export class MinHeap<T> {
  private readonly items: T[] = [];
  private keys = new Float64Array(16);
  private n = 0;

  constructor(private readonly less: ((a: T, b: T) => boolean) | null = null) {}

  get size(): number {
    return this.n;
  }

  peek(): T | undefined {
    return this.n > 0 ? this.items[0] : undefined;
  }

  /** Key of the first item (Infinity when empty). */
  peekKey(): number {
    return this.n > 0 ? this.keys[0] : Infinity;
  }

  clear(): void {
    this.n = 0;
    this.items.length = 0;
  }

  push(item: T, key = 0): void {
    let i = this.n++;
    if (i === this.keys.length) {
      const grown = new Float64Array(i * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    const a = this.items;
    const k = this.keys;
    const less = this.less;
    if (i === a.length) a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = k[p];
      if (!(key < pk || (key === pk && less !== null && less(item, a[p])))) break;
      a[i] = a[p];
      k[i] = pk;
      i = p;
    }
    a[i] = item;
    k[i] = key;
  }

  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const a = this.items;
    const k = this.keys;
    const top = a[0];
    const n = --this.n;
    const last = a[n];
    const lastKey = k[n];
    if (n > 0) {
      const i = this.less === null ? this.siftByKey(n, lastKey) : this.sift(n, last, lastKey, this.less);
      a[i] = last;
      k[i] = lastKey;
    }
    return top;
  }

  /** Moves the hole at the root down past the smaller-keyed children; returns where it stops. */
  private siftByKey(n: number, key: number): number {
    const a = this.items;
    const k = this.keys;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return i;
      const r = l + 1;
      const m = r < n && k[r] < k[l] ? r : l;
      if (!(k[m] < key)) return i;
      a[i] = a[m];
      k[i] = k[m];
      i = m;
    }
  }

  /** siftByKey with `less` among equal keys, in the textbook version's comparisons. */
  private sift(n: number, last: T, lastKey: number, less: (a: T, b: T) => boolean): number {
    const a = this.items;
    const k = this.keys;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = -1;
      let best = last;
      let bestKey = lastKey;
      if (l < n && (k[l] < bestKey || (k[l] === bestKey && less(a[l], best)))) {
        m = l;
        best = a[l];
        bestKey = k[l];
      }
      if (r < n && (k[r] < bestKey || (k[r] === bestKey && less(a[r], best)))) {
        m = r;
        best = a[r];
        bestKey = k[r];
      }
      if (m < 0) return i;
      a[i] = best;
      k[i] = bestKey;
      i = m;
    }
  }
}

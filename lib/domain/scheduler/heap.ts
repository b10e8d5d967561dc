// A small binary min-heap; the policy and the simulators order thousands of events and queue heads.
// Sifts move a hole instead of swapping pairs; the comparisons, and so the order of equal items,
// are those of the textbook swap version.
export class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    const less = this.less;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      if (!less(item, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as T;
    const n = a.length;
    if (n > 0) {
      const less = this.less;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = -1;
        let best: T = last;
        if (l < n && less(a[l], best)) {
          m = l;
          best = a[l];
        }
        if (r < n && less(a[r], best)) {
          m = r;
          best = a[r];
        }
        if (m < 0) break;
        a[i] = best;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

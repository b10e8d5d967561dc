// One timer heap for the whole simulation: pod starts and finishes, retry backoffs and exit times
// are entries here, all driven by a single interval, never a setTimeout per step.

type Timer = { at: number; seq: number; fn: () => void };

export class TimerHeap {
  private heap: Timer[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  at(when: number, fn: () => void): void {
    const t = { at: when, seq: this.seq++, fn };
    this.heap.push(t);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(this.heap[p], this.heap[i])) break;
      [this.heap[p], this.heap[i]] = [this.heap[i], this.heap[p]];
      i = p;
    }
  }

  /** Runs every timer due at or before `now`, in time order (then insertion order). */
  runDue(now: number): number {
    let n = 0;
    while (this.heap.length && this.heap[0].at <= now) {
      const t = this.pop();
      n++;
      t.fn();
    }
    return n;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private pop(): Timer {
    const top = this.heap[0];
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(this.heap[l], this.heap[m])) m = l;
        if (r < this.heap.length && this.less(this.heap[r], this.heap[m])) m = r;
        if (m === i) break;
        [this.heap[m], this.heap[i]] = [this.heap[i], this.heap[m]];
        i = m;
      }
    }
    return top;
  }
}

// When the worker's scheduler pass also explains the waiting jobs (sentences, positions, ETAs and
// the rewrite of every changed waiting row). Admission runs every pass; explaining is paced:
// - at most every EVERY_MS, which keeps a pass over a 10,000-job queue near a second on two cores;
// - at most a tenth of the time: the rewrite grows with the queue (2.7 s at 22,000 queued during a
//   burst), so after an explanation that took d ms the next waits at least 10 d;
// - not during a burst of submissions (the queue grew by more than BURST_GROWTH jobs since the pass
//   before), for at most MAX_BURST_DEFER_MS. A new job's first explanation is a second write of its
//   row plus an event, as much database work as the submission itself; done while the burst goes
//   on, it took the two cores from the submissions (p99 of POST /api/jobs at 1,000 a second:
//   222-286 ms with it, 58 ms without). The burst's jobs are explained once it is over.
export const EVERY_MS = 5_000;
const MAX_SHARE = 0.1;
export const BURST_GROWTH = 200;
export const MAX_BURST_DEFER_MS = 30_000;

export class ExplainPacer {
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastMs = 0;
  private lastWaiting: number | null = null;
  private growth = 0;

  /** Whether the pass starting at `now` should explain. */
  due(now: number): boolean {
    const since = now - this.lastAt;
    if (this.growth > BURST_GROWTH && since < MAX_BURST_DEFER_MS) return false;
    return since >= Math.max(EVERY_MS, this.lastMs / MAX_SHARE);
  }

  /** Records a finished pass: when it started and ended, whether it explained, how many jobs wait. */
  passed(pass: { startedAt: number; endedAt: number; explained: boolean; waiting: number }): void {
    if (pass.explained) {
      this.lastAt = pass.endedAt;
      this.lastMs = pass.endedAt - pass.startedAt;
    }
    this.growth = this.lastWaiting === null ? 0 : pass.waiting - this.lastWaiting;
    this.lastWaiting = pass.waiting;
  }
}

// The order in which one pass considers waiting jobs, which is also the order shown as queue
// positions: jobs that fit in their team's guarantee before jobs that must borrow (so a guarantee
// is not first lent away and then reclaimed), then priority class, then weighted dominant share
// across teams, then submission time. Within a team and GPU kind: class, then first come first served.
import type { Ledger } from './ledger';
import { quotaOf, usageOf } from './ledger';
import { Table } from './table';
import type { ShareBook } from './fair-share';
import { addHeld, shareOf } from './fair-share';
import { MinHeap } from './heap';
import type { QueuedJob, SchedulerOptions } from './schema';
import { rankOf } from './schema';

interface Lane {
  team: string;
  kind: string;
  jobs: QueuedJob[];
  ranks: number[];
  next: number;
}

interface Entry {
  lane: Lane;
  version: number;
  borrow: number;
  rank: number;
  share: number;
}

/** Priority rank after aging: one class up per `agingSeconds` waited, so nothing waits forever. */
export function effectiveRank(job: QueuedJob, now: number, options: SchedulerOptions): number {
  const base = rankOf(job.priority);
  if (options.agingSeconds === null || options.agingSeconds <= 0) return base;
  const steps = Math.floor(Math.max(0, now - job.submittedAt) / (options.agingSeconds * 1000));
  return Math.min(3, base + steps);
}

export class QueueOrder {
  private readonly heap: MinHeap<Entry>;
  private readonly version = new Map<string, number>();
  private last: Lane | null = null;
  private lastRank = 0;

  constructor(
    queued: readonly QueuedJob[],
    private readonly ledger: Ledger,
    private readonly book: ShareBook,
    now: number,
    private readonly options: SchedulerOptions,
  ) {
    const lanes = new Table<{ team: string; kind: string; items: { job: QueuedJob; rank: number }[] }>();
    const all: { team: string; kind: string; items: { job: QueuedJob; rank: number }[] }[] = [];
    for (const job of queued) {
      let lane = lanes.get(job.team, job.gpu.kind);
      if (!lane) {
        lanes.set(job.team, job.gpu.kind, (lane = { team: job.team, kind: job.gpu.kind, items: [] }));
        all.push(lane);
      }
      lane.items.push({ job, rank: effectiveRank(job, now, options) });
    }
    this.heap = new MinHeap(lessEntry);
    for (const { team, kind, items } of all) {
      items.sort((a, b) => b.rank - a.rank || a.job.submittedAt - b.job.submittedAt || cmp(a.job.id, b.job.id));
      const lane: Lane = { team, kind, jobs: items.map((i) => i.job), ranks: items.map((i) => i.rank), next: 0 };
      this.heap.push(this.entryFor(lane));
    }
  }

  /** Effective rank of the job last returned by next(). */
  get rank(): number {
    return this.lastRank;
  }

  /** The next job to consider. Call after the previous job's admission was booked in the ledger. */
  next(): QueuedJob | undefined {
    if (this.last) {
      const lane = this.last;
      this.last = null;
      this.version.set(lane.team, (this.version.get(lane.team) ?? 0) + 1);
      if (lane.next < lane.jobs.length) this.heap.push(this.entryFor(lane));
    }
    for (;;) {
      const top = this.heap.pop();
      if (!top) return undefined;
      // Keys only grow during a pass (holdings and usage only grow), so a stale entry is
      // re-keyed and pushed back rather than trusted.
      if (top.version !== (this.version.get(top.lane.team) ?? 0)) {
        this.heap.push(this.entryFor(top.lane));
        continue;
      }
      const lane = top.lane;
      this.lastRank = lane.ranks[lane.next];
      const job = lane.jobs[lane.next++];
      // Counted as held for ordering even if it ends up waiting, so teams interleave fairly in
      // the positions shown to users.
      addHeld(this.book, lane.team, lane.kind, job.gpu.count);
      this.last = lane;
      return job;
    }
  }

  private entryFor(lane: Lane): Entry {
    const job = lane.jobs[lane.next];
    const q = quotaOf(this.ledger, lane.team, lane.kind);
    // Same notion as reclaiming: within the guarantee counting the team's jobs of this priority or higher.
    const minRank = this.options.preemptLowerPriorityInTeam ? rankOf(job.priority) : 0;
    const borrow = usageOf(this.ledger, lane.team, lane.kind, minRank) + job.gpu.count > q.guaranteed ? 1 : 0;
    return { lane, version: this.version.get(lane.team) ?? 0, borrow, rank: lane.ranks[lane.next], share: shareOf(this.book, lane.team) };
  }
}

function lessEntry(a: Entry, b: Entry): boolean {
  if (a.borrow !== b.borrow) return a.borrow < b.borrow;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.share !== b.share) return a.share < b.share;
  const ja = a.lane.jobs[a.lane.next];
  const jb = b.lane.jobs[b.lane.next];
  if (ja.submittedAt !== jb.submittedAt) return ja.submittedAt < jb.submittedAt;
  return ja.id < jb.id;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Weighted dominant resource share per team: for each GPU kind, what the team holds now plus what
// it used recently (decayed with a half-life), as a fraction of the cluster's GPUs of that kind;
// the largest fraction divided by the team's weight. Lower share goes first.
import type { Snapshot, UsageRecord } from './schema';
import { Table } from './table';

const HOUR_MS = 3_600_000;

/** GPU-hours decayed from `asOf` to `now`. */
export function decayUsage(gpuHours: number, asOf: number, now: number, halfLifeSeconds: number): number {
  if (now <= asOf) return gpuHours;
  return gpuHours * Math.pow(0.5, (now - asOf) / (halfLifeSeconds * 1000));
}

/**
 * Adds `gpus` held from `from` to `to` to a decayed record (for the scheduler loop to keep usage
 * history current). Integrates the decay exactly, so accruing in many small steps or one big one
 * gives the same number.
 */
export function accrueUsage(
  record: UsageRecord,
  gpus: number,
  from: number,
  to: number,
  halfLifeSeconds: number,
): UsageRecord {
  const decayed = decayUsage(record.gpuHours, record.asOf, to, halfLifeSeconds);
  const lambda = Math.LN2 / (halfLifeSeconds * 1000);
  const start = Math.max(from, record.asOf);
  const added = to > start ? (gpus * (1 - Math.exp(-lambda * (to - start)))) / lambda / HOUR_MS : 0;
  return { ...record, gpuHours: decayed + added, asOf: to };
}

export interface ShareBook {
  /** team x kind -> GPUs counted for ordering (held now + recent average + considered this pass). */
  held: Table<ShareCell>;
  capacity: (kind: string) => number;
  weight: Map<string, number>;
  /** team -> current weighted dominant share. */
  share: Map<string, TeamShare>;
}

export interface TeamShare {
  share: number;
}

/** One team and kind: what it holds for ordering, with the constants its share needs. */
export interface ShareCell {
  held: number;
  cap: number;
  weight: number;
  team: TeamShare;
}

/**
 * Recent usage becomes an average number of GPUs: decayed GPU-hours divided by the mean life
 * (half-life / ln 2), which is exactly the GPUs held if a team held a constant number forever.
 */
export function buildShareBook(
  snapshot: Snapshot,
  capacity: (kind: string) => number,
  halfLifeSeconds: number,
): ShareBook {
  const book: ShareBook = {
    held: new Table(),
    capacity,
    weight: new Map(snapshot.teams.map((t) => [t.name, t.weight ?? 1])),
    share: new Map(),
  };
  const meanLifeHours = halfLifeSeconds / 3600 / Math.LN2;
  // Indexed loops: this runs once per pass, unoptimized, where for-of allocates per element.
  const usage = snapshot.usage;
  for (let i = 0; i < usage.length; i++) {
    const u = usage[i];
    addHeld(book, u.team, u.gpuKind, decayUsage(u.gpuHours, u.asOf, snapshot.now, halfLifeSeconds) / meanLifeHours);
  }
  const running = snapshot.running;
  for (let i = 0; i < running.length; i++) addHeld(book, running[i].team, running[i].gpu.kind, running[i].gpu.count);
  return book;
}

export function teamShare(book: ShareBook, team: string): TeamShare {
  let t = book.share.get(team);
  if (!t) book.share.set(team, (t = { share: 0 }));
  return t;
}

/** The team's cell for a kind (created holding nothing), to be kept and used with addHeldTo. */
export function shareCell(book: ShareBook, team: string, kind: string): ShareCell {
  let cell = book.held.get(team, kind);
  if (!cell)
    book.held.set(
      team,
      kind,
      (cell = { held: 0, cap: book.capacity(kind), weight: book.weight.get(team) ?? 1, team: teamShare(book, team) }),
    );
  return cell;
}

export function addHeldTo(cell: ShareCell, gpus: number): void {
  const held = (cell.held += gpus);
  const fraction = cell.cap > 0 ? held / cell.cap : 0;
  const weighted = fraction / cell.weight;
  // Holdings only grow within a pass, so the dominant share is a running maximum.
  if (weighted > cell.team.share) cell.team.share = weighted;
}

function addHeld(book: ShareBook, team: string, kind: string, gpus: number): void {
  addHeldTo(shareCell(book, team, kind), gpus);
}

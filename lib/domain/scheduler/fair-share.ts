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
export function accrueUsage(record: UsageRecord, gpus: number, from: number, to: number, halfLifeSeconds: number): UsageRecord {
  const decayed = decayUsage(record.gpuHours, record.asOf, to, halfLifeSeconds);
  const lambda = Math.LN2 / (halfLifeSeconds * 1000);
  const start = Math.max(from, record.asOf);
  const added = to > start ? (gpus * (1 - Math.exp(-lambda * (to - start)))) / lambda / HOUR_MS : 0;
  return { ...record, gpuHours: decayed + added, asOf: to };
}

export interface ShareBook {
  /** team x kind -> GPUs counted for ordering (held now + recent average + considered this pass). */
  held: Table<number>;
  capacity: (kind: string) => number;
  weight: Map<string, number>;
  /** team -> current weighted dominant share. */
  share: Map<string, number>;
}

/**
 * Recent usage becomes an average number of GPUs: decayed GPU-hours divided by the mean life
 * (half-life / ln 2), which is exactly the GPUs held if a team held a constant number forever.
 */
export function buildShareBook(snapshot: Snapshot, capacity: (kind: string) => number, halfLifeSeconds: number): ShareBook {
  const book: ShareBook = {
    held: new Table(),
    capacity,
    weight: new Map(snapshot.teams.map((t) => [t.name, t.weight ?? 1])),
    share: new Map(),
  };
  const meanLifeHours = halfLifeSeconds / 3600 / Math.LN2;
  for (const u of snapshot.usage) {
    addHeld(book, u.team, u.gpuKind, decayUsage(u.gpuHours, u.asOf, snapshot.now, halfLifeSeconds) / meanLifeHours);
  }
  for (const r of snapshot.running) addHeld(book, r.team, r.gpu.kind, r.gpu.count);
  return book;
}

export function addHeld(book: ShareBook, team: string, kind: string, gpus: number): void {
  const held = (book.held.get(team, kind) ?? 0) + gpus;
  book.held.set(team, kind, held);
  const cap = book.capacity(kind);
  const fraction = cap > 0 ? held / cap : 0;
  const weighted = fraction / (book.weight.get(team) ?? 1);
  // Holdings only grow within a pass, so the dominant share is a running maximum.
  if (weighted > (book.share.get(team) ?? 0)) book.share.set(team, weighted);
}

export function shareOf(book: ShareBook, team: string): number {
  return book.share.get(team) ?? 0;
}

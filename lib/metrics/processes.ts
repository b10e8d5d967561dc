// What each process adds to its metrics at start: process series labelled with its component, and
// the readings its scrapes take. The web reads the queue and Gantry's connections from PostgreSQL
// (one read per CACHE_MS however many scrapers and replicas' Prometheus ask); the worker reports
// the database as its loops found it.
import type { Db } from '@/lib/db/client';
import { classifyDatabaseError, databaseState, noteDatabaseError, noteDatabaseReachable } from '@/lib/db/unavailable';
import { readMetricsGauges, type MetricsGauges } from '@/lib/server/health/read-metrics-gauges';
import { collectProcessMetrics, metrics, type DatabaseReading } from './registry';

/** A scrape within this long of the last reading reuses it (Prometheus scrapes every 15-30 s). */
const CACHE_MS = 5_000;

function reading(connections: DatabaseReading['connections']): DatabaseReading {
  const state = databaseState();
  return { up: state.up, errors: { ...state.errors }, connections };
}

/** Reads `load` at most once per `ttlMs`; a failed read is not kept. */
export function cachedReader<T>(load: () => Promise<T>, ttlMs = CACHE_MS, now = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last && now() - last.at < ttlMs) return last.value;
    const value = load();
    const entry = { at: now(), value };
    last = entry;
    value.catch(() => {
      if (last === entry) last = null;
    });
    return value;
  };
}

export function installWebMetrics(getDb: () => Db): void {
  collectProcessMetrics('web');
  const read = cachedReader(async (): Promise<MetricsGauges | null> => {
    try {
      const gauges = await readMetricsGauges(getDb());
      noteDatabaseReachable();
      return gauges;
    } catch (error) {
      const kind = classifyDatabaseError(error);
      if (kind) noteDatabaseError(kind);
      return null;
    }
  });
  const { sources } = metrics();
  sources.queue = async () => {
    const gauges = await read();
    if (!gauges) throw new Error('database unavailable');
    return gauges.queue;
  };
  sources.database = async () => reading((await read())?.connections ?? null);
}

export function installWorkerMetrics(): void {
  collectProcessMetrics('worker');
  metrics().sources.database = async () => reading(null);
}

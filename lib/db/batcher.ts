import DataLoader from 'dataloader';
import type { DbOrTx } from './client';

/**
 * Coalesces concurrent calls of a hot single-row statement into one multi-row statement. While a
 * batch is at the database, new calls wait and leave together as the next batch, so a burst of N
 * requests costs a few round trips instead of N, and a lone request goes out at once. Every caller
 * still gets its answer only after its batch committed.
 *
 * `run` answers one value (or an Error) per key, in order. When a whole batch fails, each key is
 * retried alone, so one bad row cannot fail the requests that happened to share its batch.
 */
export function perDatabaseBatcher<K, V>(
  run: (db: DbOrTx, keys: readonly K[]) => Promise<Array<V | Error>>,
  maxBatchSize = 500,
) {
  const loaders = new WeakMap<DbOrTx, DataLoader<K, V>>();
  function loaderFor(db: DbOrTx): DataLoader<K, V> {
    let loader = loaders.get(db);
    if (!loader) {
      let inFlight: Promise<unknown> = Promise.resolve();
      loader = new DataLoader<K, V>(
        (keys) => {
          const batch = run(db, keys).catch(() =>
            Promise.all(
              keys.map((k) =>
                run(db, [k]).then(
                  (r) => r[0],
                  (e: unknown) => toError(e),
                ),
              ),
            ),
          );
          inFlight = batch.catch(() => undefined);
          return batch;
        },
        { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => void inFlight.then(() => setImmediate(dispatch)) },
      );
      loaders.set(db, loader);
    }
    return loader;
  }
  return (db: DbOrTx, key: K): Promise<V> => loaderFor(db).load(key);
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

import { describe, expect, it } from 'vitest';
import { perDatabaseBatcher } from './batcher';
import type { DbOrTx } from './client';

const db = {} as DbOrTx;

describe('perDatabaseBatcher', () => {
  it('sends a lone call at once and gathers calls that arrive while a batch is out', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const double = perDatabaseBatcher<number, number>(async (_db, keys) => {
      batches.push([...keys]);
      if (batches.length === 1) await gate;
      return keys.map((k) => k * 2);
    });
    const first = double(db, 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((k) => double(db, k));
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toHaveLength(1); // waiting for the first batch
    release();
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('retries each key alone when a batch fails, so one bad key fails only its own call', async () => {
    const seen: number[][] = [];
    const check = perDatabaseBatcher<number, string>(async (_db, keys) => {
      seen.push([...keys]);
      if (keys.includes(13)) throw new Error(`bad key in ${keys.join(',')}`);
      return keys.map((k) => `ok ${k}`);
    });
    const results = await Promise.allSettled([12, 13, 14].map((k) => check(db, k)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'ok 12',
      'bad key in 13',
      'ok 14',
    ]);
    expect(seen[0]).toEqual([12, 13, 14]);
  });

  it('keeps separate batches per database handle (a transaction never shares a statement with the pool)', async () => {
    const other = {} as DbOrTx;
    const seen: Array<[DbOrTx, number[]]> = [];
    const echo = perDatabaseBatcher<number, number>(async (handle, keys) => {
      seen.push([handle, [...keys]]);
      return [...keys];
    });
    await Promise.all([echo(db, 1), echo(other, 2), echo(db, 3)]);
    expect(seen).toEqual([
      [db, [1, 3]],
      [other, [2]],
    ]);
  });
});

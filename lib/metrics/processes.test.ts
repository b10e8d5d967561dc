import { describe, expect, it } from 'vitest';
import { cachedReader } from './processes';

describe('cachedReader', () => {
  it('reads once per interval however many scrapes ask, and does not keep a failed read', async () => {
    let now = 0;
    let reads = 0;
    let fail = false;
    const read = cachedReader(
      async () => {
        reads += 1;
        if (fail) throw new Error('down');
        return reads;
      },
      5_000,
      () => now,
    );
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    now = 4_999;
    expect(await read()).toBe(1);
    now = 5_000;
    expect(await read()).toBe(2);
    fail = true;
    now = 10_000;
    await expect(read()).rejects.toThrow('down');
    fail = false;
    expect(await read()).toBe(4);
  });
});

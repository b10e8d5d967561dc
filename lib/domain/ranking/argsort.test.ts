import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsort } from './argsort';

describe('argsort', () => {
  it('orders like a stable comparator sort, ascending and descending, negatives and zeros included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.integer({ min: -3, max: 3 }),
            fc.constant(-0),
          ),
        ),
        fc.boolean(),
        (values, descending) => {
          const want = values
            .map((_, i) => i)
            .sort((a, b) => (descending ? values[b] - values[a] : values[a] - values[b]) || a - b);
          expect(Array.from(argsort(values, descending))).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

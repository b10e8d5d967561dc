import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testDb } from '@/tests/db';
import { executePrepared } from './prepared';

describe('executePrepared', () => {
  it('answers the same rows as execute, from a named prepared statement on the same connection', async () => {
    await testDb().db.transaction(async (tx) => {
      const query = sql`select n, ${'x'} || n::text as label from generate_series(1, ${3}::int) n /* executePrepared test */`;
      const prepared = await executePrepared<{ n: number; label: string }>(tx, query);
      expect([...prepared]).toEqual([...(await tx.execute(query))]);
      expect(prepared.map((r) => r.label)).toEqual(['x1', 'x2', 'x3']);
      // Inside a transaction the statement ran on the transaction's own connection.
      const statements = await tx.execute(
        sql`select name from pg_prepared_statements where statement like ${'%executePrepared test%'}`,
      );
      expect(statements).toHaveLength(1);
    });
  });

  it('works on the pool outside a transaction', async () => {
    const rows = await executePrepared<{ one: number }>(testDb().db, sql`select ${1}::int as one`);
    expect(rows[0].one).toBe(1);
  });
});

// Rows of raw statements, for the hot paths and reports written as SQL rather than Drizzle queries,
// and the column names those statements take from the Drizzle schema.
import { getTableColumns, sql, type InferSelectModel, type SQL, type Table } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client';

/** Runs a raw statement and answers its rows (postgres.js returns an array-like RowList). */
export async function rows<T>(db: DbOrTx, query: Parameters<DbOrTx['execute']>[0]): Promise<T[]> {
  const result = await db.execute(query);
  return Array.from(result as unknown as ArrayLike<T>);
}

/**
 * Maps a row from a raw statement (`returning *`: column names, driver values such as timestamp
 * strings and bigint text) to the table's typed row, with the same conversions Drizzle's own
 * queries apply. For the few hot paths written as one raw statement.
 */
export function fromDriverRow<T extends Table>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}

// Raw statements take their table and column names from the Drizzle schema, so that renaming a
// column fails the build instead of a statement at run time. `${table.column}` renders qualified
// (`"gpu_samples"."ts"`); these give the bare name where SQL wants one.

/** A column's bare name: insert lists, conflict targets, the left side of `set`, after an alias. */
export const bare = (column: AnyPgColumn): SQL => sql`${sql.identifier(column.name)}`;

export const bareList = (columns: AnyPgColumn[]): SQL => sql.join(columns.map(bare), sql`, `);

/** `excluded.<column>`: the row an upsert proposed. */
export const excluded = (column: AnyPgColumn): SQL => sql`excluded.${bare(column)}`;

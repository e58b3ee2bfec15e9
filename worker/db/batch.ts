// One D1 batch (one transaction) of drizzle queries and raw `sql` statements. drizzle 0.45's own
// db.batch() cannot bind the parameters of a raw `sql` statement on D1 (its SQLiteRaw has no prepared
// statement: "Cannot read properties of undefined (reading 'bind')"), and the throttle's conditional
// upserts are raw SQL; so both kinds are rendered by drizzle and sent with D1's own batch().
import { is, SQL } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import type { Database } from './client';

const dialect = new SQLiteAsyncDialect();

/** A raw statement, or a drizzle query builder (anything with toSQL()). */
export type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } };

export type Rows = Record<string, unknown>[];

/** Runs the statements in order in one transaction; each one's rows (RETURNING or SELECT), unmapped. */
export async function batch(db: Database, statements: readonly Statement[]): Promise<Rows[]> {
  const d1 = db.$client;
  const prepared = statements.map((statement) => {
    const query = is(statement, SQL) ? dialect.sqlToQuery(statement) : statement.toSQL();
    return d1.prepare(query.sql).bind(...query.params);
  });
  const results = await d1.batch(prepared);
  return results.map((result) => (result.results ?? []) as Rows);
}

import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';

/** With `$client`, the D1 binding, for batches drizzle cannot send itself (db/batch.ts). */
export type Database = DrizzleD1Database & { $client: D1Database };

const clients = new WeakMap<D1Database, Database>();

/** One drizzle client per D1 binding and isolate, not one per request. */
export function database(d1: D1Database): Database {
  let client = clients.get(d1);
  if (client === undefined) {
    client = drizzle(d1);
    clients.set(d1, client);
  }
  return client;
}

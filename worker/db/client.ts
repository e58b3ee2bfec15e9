import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';

export type Database = DrizzleD1Database;

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

// The Worker's one way to write to the log: one JSON line per event, `level` and `event` first, then
// the caller's fields. Fields are plain values chosen by the caller, and never a password, token,
// secret or stored value: an error is logged through `errorFields`, never with its message.
import { DrizzleQueryError } from 'drizzle-orm/errors';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export function log(level: LogLevel, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** SQLite's own error code, else D1's: a fixed vocabulary, so it can carry no stored value. */
function storageCode(message: string): string | undefined {
  return (message.match(/\bSQLITE_[A-Z_]+\b/) ?? message.match(/\bD1_[A-Z_]+\b/))?.[0];
}

/**
 * What may be logged about an unexpected error: its name and a stable code. Never its message: for a
 * failed statement drizzle puts the SQL and its parameters there (a name, a password hash).
 */
export function errorFields(error: unknown): { error_name: string; error_code: string } {
  if (error instanceof DrizzleQueryError) {
    const cause = error.cause instanceof Error ? error.cause.message : '';
    return {
      error_name: 'DrizzleQueryError',
      error_code: storageCode(cause) ?? 'db_query_failed',
    };
  }
  if (error instanceof Error) {
    return { error_name: error.name, error_code: storageCode(error.message) ?? 'unexpected' };
  }
  return { error_name: typeof error, error_code: 'not_an_error' };
}

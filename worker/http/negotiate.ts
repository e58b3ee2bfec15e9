import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

/**
 * The tutorial's client sends no Accept header and reads plain text; clients that ask for JSON
 * (`Accept: application/json`) get JSON. Anything else falls back to text.
 */
export function wantsJson(c: Context): boolean {
  return (
    accepts(c, { header: 'Accept', supports: ['text/plain', 'application/json'], default: 'text/plain' }) ===
    'application/json'
  );
}

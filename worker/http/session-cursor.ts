// The opaque cursor of GET /sessions: where the next page starts. base64url of `<created_at>.<id>`,
// so a client can only hand it back, and anything else is a clear 400.
import { decodeBase64url, encodeBase64url } from '../auth/base64url';
import type { SessionCursor } from '../db/queries';
import { ProblemError } from './problem';

/** Sessions per page: the default and the most a client may ask for. */
export const SESSIONS_PAGE_SIZE = 50;

export function encodeSessionCursor(cursor: SessionCursor): string {
  return encodeBase64url(new TextEncoder().encode(`${cursor.createdAt}.${cursor.id}`));
}

/** The page a query asks for (`limit`, `cursor`); a ProblemError (400) for anything malformed. */
export function readSessionPage(limit: string | undefined, cursor: string | undefined) {
  let size = SESSIONS_PAGE_SIZE;
  if (limit !== undefined) {
    size = /^[0-9]{1,3}$/.test(limit) ? Number(limit) : 0;
    if (size < 1 || size > SESSIONS_PAGE_SIZE) {
      throw new ProblemError(
        'invalid-request',
        `limit must be a whole number from 1 to ${SESSIONS_PAGE_SIZE}.`,
      );
    }
  }
  if (cursor === undefined) return { limit: size, after: undefined };
  const bytes = cursor.length <= 200 ? decodeBase64url(cursor) : null;
  const match =
    bytes === null ? null : /^([0-9]{1,12})\.([A-Za-z0-9_-]{1,64})$/.exec(new TextDecoder().decode(bytes));
  if (match === null) throw new ProblemError('invalid-request', 'cursor is not one this API gave.');
  return { limit: size, after: { createdAt: Number(match[1]), id: match[2] as string } };
}

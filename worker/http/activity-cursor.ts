// The opaque cursor of GET /activity, as GET /sessions has one (http/session-cursor.ts): where the next
// page starts. base64url of `<at>.<id>`, so a client can only hand it back, and anything else is a
// clear 400.
import { decodeBase64url, encodeBase64url } from '../auth/base64url';
import type { ActivityCursor } from '../db/activity';
import { ProblemError } from './problem';

/** Events per page. */
export const ACTIVITY_PAGE_SIZE = 50;

export function encodeActivityCursor(cursor: ActivityCursor): string {
  return encodeBase64url(new TextEncoder().encode(`${cursor.at}.${cursor.id}`));
}

/** Where the page a query asks for starts (`cursor`); a ProblemError (400) for anything malformed. */
export function readActivityCursor(cursor: string | undefined): ActivityCursor | undefined {
  if (cursor === undefined) return undefined;
  const bytes = cursor.length <= 100 ? decodeBase64url(cursor) : null;
  const match =
    bytes === null ? null : /^([0-9]{1,12})\.([0-9]{1,15})$/.exec(new TextDecoder().decode(bytes));
  if (match === null) throw new ProblemError('invalid-request', 'cursor is not one this API gave.');
  return { at: Number(match[1]), id: Number(match[2]) };
}

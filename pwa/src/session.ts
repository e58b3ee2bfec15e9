// A logged-in session as the app sees it: the token and what its payload says.
import { decodePayload, isExpired } from './jwt';
import { clearToken, loadStoredToken } from './token-store';

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly exp: number;
  readonly iat: number | undefined;
  /** Date.now() when this browser received the token, when known. */
  readonly receivedAt: number | undefined;
}

export function sessionFromToken(token: string, receivedAt?: number): Session | null {
  const payload = decodePayload(token);
  return payload === null ? null : { token, receivedAt, ...payload };
}

export type Restored =
  | { readonly kind: 'session'; readonly session: Session }
  | { readonly kind: 'none' }
  /** A stored token was there but is past its `exp` (or unreadable); it has been cleared. */
  | { readonly kind: 'expired' };

/** The tutorial's start-up check: a stored token whose `exp` is in the future goes straight home. */
export async function restoreSession(): Promise<Restored> {
  const stored = await loadStoredToken();
  if (stored === null || stored === 'unavailable') return { kind: 'none' };
  const session = sessionFromToken(stored.token, stored.receivedAt);
  if (session !== null && !isExpired(session)) return { kind: 'session', session };
  await clearToken();
  return { kind: 'expired' };
}

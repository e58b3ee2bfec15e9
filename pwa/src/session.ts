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

const DAY_SECONDS = 24 * 60 * 60;

/**
 * When the silent refresh should replace this token (Date.now() milliseconds), or null if it cannot
 * tell (no `iat`). Due when less than a fifth of the token's lifetime remains, or less than a day
 * (at most half the lifetime, so short-lived tokens are not refreshed all the time). A token this
 * browser received is not refreshed before half its lifetime has passed since it arrived, so a device
 * clock that is far ahead cannot make the app refresh over and over.
 */
export function refreshDueAt(session: Session): number | null {
  if (session.iat === undefined) return null;
  const lifetime = session.exp - session.iat;
  if (lifetime <= 0) return null;
  const threshold = Math.max(0.2 * lifetime, Math.min(DAY_SECONDS, 0.5 * lifetime));
  const due = (session.exp - threshold) * 1000;
  return session.receivedAt === undefined ? due : Math.max(due, session.receivedAt + lifetime * 500);
}

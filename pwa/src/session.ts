// A logged-in session as the app sees it: the token and what its payload says.
import { decodePayload, isExpired } from './jwt';
import { clearToken, loadToken } from './token-store';

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly exp: number;
}

export function sessionFromToken(token: string): Session | null {
  const payload = decodePayload(token);
  return payload === null ? null : { token, ...payload };
}

export type Restored =
  | { readonly kind: 'session'; readonly session: Session }
  | { readonly kind: 'none' }
  /** A stored token was there but is past its `exp` (or unreadable); it has been cleared. */
  | { readonly kind: 'expired' };

/** The tutorial's start-up check: a stored token whose `exp` is in the future goes straight home. */
export async function restoreSession(): Promise<Restored> {
  const token = await loadToken();
  if (token === null) return { kind: 'none' };
  const session = sessionFromToken(token);
  if (session !== null && !isExpired(session)) return { kind: 'session', session };
  await clearToken();
  return { kind: 'expired' };
}

// The silent refresh the app's tabs share. It runs under a Web Lock, so two tabs never refresh at once:
// the second one finds the new token already stored and takes it (pwa/src/tabs.ts tells the others).
import { api } from './api';
import { refreshDueAt } from './refresh-timing';
import { type Session, sessionFromToken } from './session';
import { keepToken } from './tabs';
import { loadStoredToken } from './token-store';

export type RefreshResult =
  /** A new token (this tab refreshed), or the one another tab stored meanwhile. */
  | { readonly kind: 'session'; readonly session: Session }
  /** The session is over: the server refused the token, or another tab logged out. */
  | { readonly kind: 'ended' }
  /** Nothing to do now, or the server could not be reached: try again later. */
  | { readonly kind: 'later' };

/** Set when a refresh did not move `exp` (the session's absolute end): refreshing again cannot help. */
let lastExpiry = 0;

async function refreshUnderLock(current: Session): Promise<RefreshResult> {
  // Another tab may have refreshed (or logged out) while this one waited for the lock.
  const stored = await loadStoredToken();
  if (stored === null) return { kind: 'ended' };
  if (stored !== 'unavailable' && stored.token !== current.token) {
    const session = sessionFromToken(stored.token, stored.receivedAt);
    return session === null ? { kind: 'ended' } : { kind: 'session', session };
  }
  const due = refreshDueAt(current);
  if (due === null || due > Date.now() || current.exp <= lastExpiry) return { kind: 'later' };
  const outcome = await api.refresh(current.token);
  if (outcome.kind === 'refused' && outcome.status === 401) return { kind: 'ended' };
  if (outcome.kind !== 'ok') return { kind: 'later' };
  const { session } = await keepToken(outcome.body.access_token);
  if (session === null) return { kind: 'later' };
  if (session.exp <= current.exp) lastExpiry = session.exp;
  return { kind: 'session', session };
}

/** This tab's refresh under way: a refresh is one-time, so a second one must not cross it. */
let inFlight: Promise<RefreshResult> | null = null;

/**
 * Refreshes the token if it is due: one refresh at a time in this tab (start-up, timer, focus and
 * coming online may all ask at once), and one tab at a time where the browser has Web Locks.
 */
export function refreshIfDue(current: Session): Promise<RefreshResult> {
  if (inFlight === null) {
    const locks = navigator.locks;
    const run =
      locks === undefined
        ? refreshUnderLock(current)
        : locks.request('gatehouse-refresh', () => refreshUnderLock(current));
    inFlight = run.finally(() => {
      inFlight = null;
    });
  }
  return inFlight;
}

/**
 * Resolves once no refresh is under way, in this tab or (through the same Web Lock) in another: a 401
 * that crossed a refresh is then told apart from a session that really ended, by the stored token.
 */
export async function refreshesSettled(): Promise<void> {
  await inFlight?.catch(() => undefined);
  await navigator.locks?.request('gatehouse-refresh', () => undefined);
}

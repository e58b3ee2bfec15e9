// What the app's tabs (and installed windows) tell each other, and the silent refresh they share.
// One browser holds one token (IndexedDB is per origin): when one tab logs in, refreshes the token or
// logs out, the others follow through a BroadcastChannel. A refresh runs under a Web Lock, so two
// tabs never refresh at once: the second one finds the new token already stored and takes it.
import { api } from './api';
import { refreshDueAt, type Session, sessionFromToken } from './session';
import { clearToken, loadStoredToken, saveToken } from './token-store';

export type LogoutReason = 'loggedOut' | 'everywhere' | 'deleted' | 'ended' | 'expired';

export type TabMessage =
  | { readonly type: 'token'; readonly token: string; readonly receivedAt: number }
  | { readonly type: 'logout'; readonly reason: LogoutReason };

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('gatehouse') : null;

/** Tells the other tabs; a tab never hears its own messages. */
export function tellTabs(message: TabMessage): void {
  channel?.postMessage(message);
}

export function listenToTabs(onMessage: (message: TabMessage) => void): () => void {
  const listener = (event: MessageEvent<TabMessage>) => onMessage(event.data);
  channel?.addEventListener('message', listener);
  return () => channel?.removeEventListener('message', listener);
}

/** Stores a token this tab received, and gives it to the other tabs. */
export async function keepToken(token: string): Promise<{ session: Session | null; stored: boolean }> {
  const receivedAt = Date.now();
  const session = sessionFromToken(token, receivedAt);
  if (session === null) return { session, stored: false };
  const stored = await saveToken(token, receivedAt);
  tellTabs({ type: 'token', token, receivedAt });
  return { session, stored };
}

/** Forgets the token here and in every tab. */
export async function forgetToken(reason: LogoutReason): Promise<void> {
  await clearToken();
  tellTabs({ type: 'logout', reason });
}

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

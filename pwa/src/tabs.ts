// What the app's tabs (and installed windows) tell each other. One browser holds one token (IndexedDB
// is per origin): when one tab logs in, refreshes the token or logs out, the others follow through a
// BroadcastChannel.
import { type Session, sessionFromToken } from './session';
import { clearToken, saveToken } from './token-store';

export type LogoutReason = 'loggedOut' | 'everywhere' | 'deleted' | 'ended' | 'expired';

export type TabMessage =
  | { readonly type: 'token'; readonly token: string; readonly receivedAt: number }
  | { readonly type: 'logout'; readonly reason: LogoutReason };

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('gatehouse') : null;

/** Tells the other tabs; a tab never hears its own messages. */
function tellTabs(message: TabMessage): void {
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

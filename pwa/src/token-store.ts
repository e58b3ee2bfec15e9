// The access token lives in IndexedDB (never localStorage or cookies): out of reach of other
// origins, not sent with requests by the browser, and cleared on log-out and on any 401.
import { createStore, del, get, set } from 'idb-keyval';

const store = createStore('gatehouse', 'auth');
const KEY = 'access-token';

export async function loadToken(): Promise<string | null> {
  try {
    const value = await get<unknown>(KEY, store);
    return typeof value === 'string' ? value : null;
  } catch {
    // No IndexedDB (some private modes): behave as logged out.
    return null;
  }
}

/** False when the browser refused to store it: the person stays logged in until the page closes. */
export async function saveToken(token: string): Promise<boolean> {
  try {
    await set(KEY, token, store);
    return true;
  } catch {
    return false;
  }
}

export async function clearToken(): Promise<void> {
  try {
    await del(KEY, store);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** Asks the browser not to evict our storage under pressure, so a logged-in person stays logged in. */
export function requestPersistentStorage(): void {
  navigator.storage?.persist?.().catch(() => undefined);
}

// The access token lives in IndexedDB (never localStorage or cookies): out of reach of other
// origins, not sent with requests by the browser, and cleared on log-out and on any 401. Next to it,
// when this browser received it (by its own clock), which the silent refresh goes by, and the device
// token, which outlives log-outs: it tells the server this browser has logged in before.
// Only the *Many functions: the single-key get and set would add their own code to the first load for
// the device token alone (25 bytes gzip, measured by the build's budget check).
import { createStore, delMany, getMany, setMany } from 'idb-keyval';

const store = createStore('gatehouse', 'auth');
const KEY = 'access-token';
const RECEIVED_KEY = 'access-token-received-at';
const DEVICE_KEY = 'device-token';

export interface StoredToken {
  readonly token: string;
  /** Date.now() when this browser received it; unknown for tokens stored by an older version. */
  readonly receivedAt: number | undefined;
}

/** Set when the browser refused to store a token: what is stored then says nothing. */
let unreliable = false;

/** The stored token; null when there is none; 'unavailable' when storage cannot be trusted. */
export async function loadStoredToken(): Promise<StoredToken | null | 'unavailable'> {
  if (unreliable) return 'unavailable';
  try {
    const [token, receivedAt] = await getMany<unknown>([KEY, RECEIVED_KEY], store);
    if (typeof token !== 'string') return null;
    return { token, receivedAt: typeof receivedAt === 'number' ? receivedAt : undefined };
  } catch {
    // No IndexedDB (some private modes).
    return 'unavailable';
  }
}

/** False when the browser refused to store it: the person stays logged in until the page closes. */
export async function saveToken(token: string, receivedAt: number): Promise<boolean> {
  try {
    await setMany(
      [
        [KEY, token],
        [RECEIVED_KEY, receivedAt],
      ],
      store,
    );
    unreliable = false;
    return true;
  } catch {
    unreliable = true;
    return false;
  }
}

export async function clearToken(): Promise<void> {
  try {
    await delMany([KEY, RECEIVED_KEY], store);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** Asks the browser not to evict our storage under pressure, so a logged-in person stays logged in. */
export function requestPersistentStorage(): void {
  navigator.storage?.persist?.().catch(() => undefined);
}

/** The device token of the last log-in here; '' when there is none (which asks the server for one). */
export async function loadDeviceToken(): Promise<string> {
  const [token] = await getMany<unknown>([DEVICE_KEY], store).catch(() => []);
  return typeof token === 'string' ? token : '';
}

export function saveDeviceToken(token: string): Promise<void> {
  return setMany([[DEVICE_KEY, token]], store).catch(() => undefined);
}

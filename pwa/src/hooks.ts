import { useEffect, useRef, useState } from 'preact/hooks';

/** navigator.onLine, kept current by the browser's online/offline events. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** setTimeout's longest delay (about 24.8 days); longer waits are done in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Calls `onExpire` once `expiresAtSeconds` has passed while the app is open. Timers sleep with the
 * device, so the time is also checked whenever the page becomes visible again.
 */
export function useExpiry(expiresAtSeconds: number | null, onExpire: () => void): void {
  const callback = useRef(onExpire);
  callback.current = onExpire;
  useEffect(() => {
    if (expiresAtSeconds === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      clearTimeout(timer);
      const remaining = expiresAtSeconds * 1000 - Date.now();
      if (remaining <= 0) callback.current();
      else timer = setTimeout(check, Math.min(remaining, MAX_TIMEOUT_MS));
    };
    check();
    document.addEventListener('visibilitychange', check);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', check);
    };
  }, [expiresAtSeconds]);
}

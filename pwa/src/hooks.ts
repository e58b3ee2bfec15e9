import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { refreshDueAt, type Session } from './session';
import { type RefreshResult, refreshIfDue } from './tabs';

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

/** The app's pages. Hash routes: they never reach the server, so they cannot clash with the API's paths. */
export type Page = 'home' | 'devices' | 'account' | 'activity';

export const PAGE_HREFS: Readonly<Record<Page, string>> = {
  home: '#/',
  devices: '#/devices',
  account: '#/account',
  activity: '#/activity',
};

function pageOf(hash: string): Page {
  return (Object.keys(PAGE_HREFS) as Page[]).find((page) => PAGE_HREFS[page] === hash) ?? 'home';
}

/** The page the address names, and a way back to the plain address (after log-out). */
export function useRoute(): [Page, () => void] {
  const [page, setPage] = useState(() => pageOf(location.hash));
  useEffect(() => {
    const update = () => setPage(pageOf(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  const reset = useCallback(() => {
    if (location.hash !== '') history.replaceState(null, '', location.pathname + location.search);
    setPage('home');
  }, []);
  return [page, reset];
}

/** After a refresh could not be done (offline, server trouble), try again this much later. */
const REFRESH_RETRY_MS = 60 * 1000;

/**
 * The silent refresh: replaces the token before it expires. Checked now, when its time comes (a
 * timer), and when the app comes back into view, regains focus or the connection returns (timers
 * sleep with the device). `onResult` gets a new session, or the news that the session is over.
 */
export function useSilentRefresh(
  session: Session | null,
  onResult: (result: Exclude<RefreshResult, { kind: 'later' }>) => void,
): void {
  const callback = useRef(onResult);
  callback.current = onResult;
  useEffect(() => {
    if (session === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let live = true;
    const check = () => {
      clearTimeout(timer);
      const due = refreshDueAt(session);
      // An expired token cannot be refreshed; useExpiry takes the person to log-in instead.
      if (due === null || running || session.exp * 1000 <= Date.now()) return;
      const wait = due - Date.now();
      if (wait > 0) {
        timer = setTimeout(check, Math.min(wait, MAX_TIMEOUT_MS));
        return;
      }
      if (!navigator.onLine) return;
      running = true;
      void refreshIfDue(session).then((result) => {
        running = false;
        if (!live) return;
        if (result.kind === 'later') timer = setTimeout(check, REFRESH_RETRY_MS);
        else callback.current(result);
      });
    };
    check();
    const onVisible = () => {
      if (document.visibilityState === 'visible') check();
    };
    addEventListener('focus', check);
    addEventListener('online', check);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live = false;
      clearTimeout(timer);
      removeEventListener('focus', check);
      removeEventListener('online', check);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [session]);
}

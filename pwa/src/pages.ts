// The app's pages once logged in: their addresses, titles and navigation labels, which one the address
// names, and what every page is given. Hash routes: they never reach the server, so they cannot clash
// with the API's paths.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Session } from './session';
import type { LogoutReason } from './tabs';

export type Page = 'home' | 'devices' | 'account' | 'activity';

interface PageEntry {
  readonly href: string;
  /** The heading and the document title. */
  readonly title: string;
  /** The link in the navigation bar. */
  readonly label: string;
}

/** In navigation order. */
export const PAGES: Readonly<Record<Page, PageEntry>> = {
  home: { href: '#/', title: 'Secret Data Screen', label: 'Data' },
  devices: { href: '#/devices', title: 'Devices', label: 'Devices' },
  account: { href: '#/account', title: 'Account', label: 'Account' },
  activity: { href: '#/activity', title: 'Activity', label: 'Activity' },
};

/** The page an address's hash names; anything unknown is the home page. */
function pageOf(hash: string): Page {
  const found = (Object.keys(PAGES) as Page[]).find((page) => PAGES[page].href === hash);
  return found ?? 'home';
}

/** What every page but home is given. */
export interface PageProps {
  readonly session: Session;
  readonly online: boolean;
  /** The API no longer accepts the token (401). */
  readonly onSessionEnded: () => void;
  /** The person ended their own session from the page (log out everywhere, account deleted). */
  readonly onSignedOut: (reason: LogoutReason) => void;
  /** The server answered a new token for this person (a password change starts a new session). */
  readonly onNewToken: (token: string) => Promise<void>;
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

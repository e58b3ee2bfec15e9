// The app's one piece of state: which screen, and when logged in, whose session and which page.
// Everything about the token's life (start-up check, silent refresh, expiry while open, 401, log-out,
// other tabs) is decided here.
import { type FunctionComponent, h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { Frame, Notice, StatusRegion } from './components';
import { type Page, useExpiry, useOnline, useRoute, useSilentRefresh } from './hooks';
import { isExpired } from './jwt';
import { HomeScreen } from './screens/home';
import { LoginScreen } from './screens/login';
import { restoreSession, type Session, sessionFromToken } from './session';
import { forgetToken, keepToken, type LogoutReason, listenToTabs, refreshesSettled } from './tabs';
import { loadStoredToken, requestPersistentStorage } from './token-store';
import { UpdatePrompt } from './update-prompt';

const NOTICES: Readonly<Record<LogoutReason | 'badToken', string>> = {
  expired: 'Your session has expired. Please log in again.',
  ended: 'Your session has ended. Please log in again.',
  loggedOut: 'You have logged out.',
  everywhere: 'You have logged out on every device.',
  deleted: 'Your account has been deleted.',
  badToken: 'The server sent a token this app cannot read. Please try again.',
};

const TITLES: Readonly<Record<Page, string>> = {
  home: 'Secret Data Screen',
  devices: 'Devices',
  account: 'Account',
  activity: 'Activity',
};

type View =
  | { readonly screen: 'starting' }
  | { readonly screen: 'login'; readonly notice?: string }
  | { readonly screen: 'in'; readonly session: Session };

/** What the devices and account pages are given. */
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

type PageModule = { default: FunctionComponent<PageProps> };

// Loaded when first opened, so the first load of the app stays small; the service worker has them
// precached, so they open offline too.
const LAZY_PAGES: Readonly<Record<Exclude<Page, 'home'>, () => Promise<PageModule>>> = {
  devices: () => import('./screens/devices'),
  account: () => import('./screens/account'),
  activity: () => import('./screens/activity'),
};

function LazyPage(props: PageProps & { page: Exclude<Page, 'home'> }) {
  const [loaded, setLoaded] = useState<PageModule | 'failed' | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    LAZY_PAGES[props.page]().then(
      (module) => live && setLoaded(module),
      () => live && setLoaded('failed'),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  if (loaded === null) return <StatusRegion />;
  if (loaded !== 'failed') return h(loaded.default, props);
  return (
    <div role="alert" class="failure">
      <Notice tone="error">This page could not be loaded. Check your connection and try again.</Notice>
      <button
        type="button"
        class="button secondary"
        onClick={() => {
          setLoaded(null);
          setAttempt(attempt + 1);
        }}
      >
        Try Again
      </button>
    </div>
  );
}

export function App() {
  const online = useOnline();
  const [page, leavePage] = useRoute();
  const [view, setView] = useState<View>({ screen: 'starting' });
  // The first screen after a page load leaves focus where the browser puts it; later screens take it.
  const settled = useRef(false);
  useEffect(() => {
    if (view.screen !== 'starting') settled.current = true;
  }, [view]);

  useEffect(() => {
    void restoreSession().then((restored) => {
      if (restored.kind === 'session') setView({ screen: 'in', session: restored.session });
      else if (restored.kind === 'expired') setView({ screen: 'login', notice: NOTICES.expired });
      else setView({ screen: 'login' });
    });
  }, []);

  /** To the log-in page with the reason; `tell` also forgets the token here and in every other tab. */
  const leave = useCallback(
    async (reason: LogoutReason, tell: boolean) => {
      // Cleared before the screen changes, so a reload right after cannot find the old token.
      if (tell) await forgetToken(reason);
      leavePage();
      setView({ screen: 'login', notice: NOTICES[reason] });
    },
    [leavePage],
  );

  // What the other tabs did: a new token (log-in or refresh) is taken; a log-out is followed.
  useEffect(
    () =>
      listenToTabs((message) => {
        if (message.type === 'logout') {
          void leave(message.reason, false);
          return;
        }
        const session = sessionFromToken(message.token, message.receivedAt);
        if (session !== null && !isExpired(session)) setView({ screen: 'in', session });
      }),
    [leave],
  );

  const logIn = useCallback(async (token: string) => {
    const { session, stored } = await keepToken(token);
    if (session === null) {
      setView({ screen: 'login', notice: NOTICES.badToken });
      return;
    }
    if (stored) requestPersistentStorage();
    setView({ screen: 'in', session });
  }, []);

  const logOut = useCallback(
    async (session: Session) => {
      // Sent first, and kept alive past the page, so that closing the tab right after Log Out still
      // ends the session on the server. Best effort: offline, the app forgets the token anyway.
      void api.logout(session.token);
      await leave('loggedOut', true);
    },
    [leave],
  );

  // A refresh replaces the token for good (the old one gets 401), so a 401 may only mean that another
  // tab refreshed while this request was under way: then the stored token is newer, and is taken.
  const shown = useRef<Session | null>(null);
  const sessionEnded = useCallback(async () => {
    await refreshesSettled();
    const stored = await loadStoredToken();
    const current = shown.current;
    if (stored !== null && stored !== 'unavailable' && current !== null && stored.token !== current.token) {
      const next = sessionFromToken(stored.token, stored.receivedAt);
      if (next !== null && !isExpired(next)) {
        setView({ screen: 'in', session: next });
        return;
      }
    }
    await leave('ended', true);
  }, [leave]);
  const onSessionEnded = useCallback(() => void sessionEnded(), [sessionEnded]);
  const signedOut = useCallback((reason: LogoutReason) => void leave(reason, true), [leave]);

  const session = view.screen === 'in' ? view.session : null;
  shown.current = session;
  useExpiry(session === null ? null : session.exp, () => void leave('expired', true));
  useSilentRefresh(session, (result) => {
    if (result.kind === 'session') setView({ screen: 'in', session: result.session });
    else void sessionEnded();
  });

  const takeFocus = settled.current;
  let screen = null;
  if (view.screen === 'login') {
    // The key remounts the screen for each new notice, so focus moves to it.
    screen = (
      <LoginScreen
        key={view.notice ?? ''}
        notice={view.notice}
        online={online}
        takeFocus={takeFocus}
        onLoggedIn={logIn}
      />
    );
  } else if (session !== null) {
    const props = {
      session,
      online,
      onSessionEnded,
      onSignedOut: signedOut,
      onNewToken: logIn,
    };
    screen = (
      // One frame per page: a new page takes focus to its title.
      <Frame
        key={page}
        title={TITLES[page]}
        page={page}
        takeFocus={takeFocus}
        onLogOut={() => void logOut(session)}
      >
        {page === 'home' ? (
          <HomeScreen key={session.username} {...props} />
        ) : (
          <LazyPage key={page} page={page} {...props} />
        )}
      </Frame>
    );
  }

  return (
    <>
      {screen}
      <UpdatePrompt />
    </>
  );
}

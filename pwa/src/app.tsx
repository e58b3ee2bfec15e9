// The app's one piece of state: which screen, and for home, whose session. Everything about the
// token's life (start-up check, expiry while open, 401, log-out) is decided here.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { useExpiry, useOnline } from './hooks';
import { HomeScreen } from './screens/home';
import { LoginScreen } from './screens/login';
import { restoreSession, type Session, sessionFromToken } from './session';
import { clearToken, requestPersistentStorage, saveToken } from './token-store';
import { UpdatePrompt } from './update-prompt';

const NOTICES = {
  expired: 'Your session has expired. Please log in again.',
  ended: 'Your session has ended. Please log in again.',
  loggedOut: 'You have logged out.',
  badToken: 'The server sent a token this app cannot read. Please try again.',
} as const;

type View =
  | { readonly screen: 'starting' }
  | { readonly screen: 'login'; readonly notice?: string }
  | { readonly screen: 'home'; readonly session: Session };

export function App() {
  const online = useOnline();
  const [view, setView] = useState<View>({ screen: 'starting' });
  // The first screen after a page load leaves focus where the browser puts it; later screens take it.
  const firstView = useRef<View | null>(null);

  useEffect(() => {
    void restoreSession().then((restored) => {
      if (restored.kind === 'session') setView({ screen: 'home', session: restored.session });
      else if (restored.kind === 'expired') setView({ screen: 'login', notice: NOTICES.expired });
      else setView({ screen: 'login' });
    });
  }, []);

  const endSession = useCallback(async (notice: string) => {
    // Cleared before the screen changes, so a reload right after cannot find the old token.
    await clearToken();
    setView({ screen: 'login', notice });
  }, []);

  const logIn = useCallback(async (token: string) => {
    const session = sessionFromToken(token);
    if (session === null) {
      setView({ screen: 'login', notice: NOTICES.badToken });
      return;
    }
    if (await saveToken(token)) requestPersistentStorage();
    setView({ screen: 'home', session });
  }, []);

  const logOut = useCallback(
    async (session: Session) => {
      await endSession(NOTICES.loggedOut);
      // Best effort: the server ends the session when it can be reached; the app has forgotten it anyway.
      void api.logout(session.token);
    },
    [endSession],
  );

  const sessionEnded = useCallback(() => void endSession(NOTICES.ended), [endSession]);

  useExpiry(view.screen === 'home' ? view.session.exp : null, () => void endSession(NOTICES.expired));

  if (firstView.current === null && view.screen !== 'starting') firstView.current = view;
  const takeFocus = view !== firstView.current;
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
  } else if (view.screen === 'home') {
    screen = (
      <HomeScreen
        key={view.session.token}
        session={view.session}
        online={online}
        takeFocus={takeFocus}
        onLogOut={() => void logOut(view.session)}
        onSessionEnded={sessionEnded}
      />
    );
  }

  return (
    <>
      {screen}
      <UpdatePrompt />
    </>
  );
}

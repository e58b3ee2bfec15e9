// The tutorial's home page, "Secret Data Screen": a greeting from the token and the data from /data.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { LoadFailure, Notice, StatusRegion } from '../components';
import { dateTime } from '../dates';
import type { Session } from '../session';

type DataState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly data: string; readonly sessionEnds: Date }
  | { readonly kind: 'failed'; readonly reason: 'unreachable' | 'error' };

/** The page's content; the app bar and title are the app's Frame. */
export function HomeScreen(props: {
  session: Session;
  online: boolean;
  /** The API no longer accepts the token (401). */
  onSessionEnded: () => void;
}) {
  const { session, online, onSessionEnded } = props;
  const [state, setState] = useState<DataState>({ kind: 'loading' });

  const load = useCallback(async () => {
    // Data already shown stays shown while it refreshes.
    setState((current) => (current.kind === 'ready' ? current : { kind: 'loading' }));
    const outcome = await api.data(session.token);
    if (outcome.kind === 'ok') {
      // The data's text ends with the session's end as an ISO timestamp, for the tutorial's client;
      // the app shows that time on a line of its own, as a date a person reads.
      const data = outcome.body.data.replace(/\s*Your session ends \S+\.$/, '');
      setState({ kind: 'ready', data, sessionEnds: new Date(outcome.body.session_expires_at * 1000) });
    } else if (outcome.kind === 'unreachable') setState({ kind: 'failed', reason: 'unreachable' });
    else if (outcome.status === 401) onSessionEnded();
    else setState({ kind: 'failed', reason: 'error' });
  }, [session.token, onSessionEnded]);

  // Load on arrival, and again whenever the connection comes back.
  useEffect(() => {
    if (online) void load();
  }, [online, load]);

  return (
    <>
      <StatusRegion>
        {!online && (
          <Notice tone="warning">
            You are offline.{' '}
            {state.kind === 'ready'
              ? 'This is the data from before; it will refresh when the connection returns.'
              : 'Your data will load when the connection returns.'}
          </Notice>
        )}
        {online && state.kind === 'loading' && (
          <p class="loading">
            <span class="spinner" aria-hidden="true" />
            Loading the data…
          </p>
        )}
      </StatusRegion>
      <section class="card" aria-labelledby="greeting" aria-busy={state.kind === 'loading'}>
        <p id="greeting" class="greeting">
          {session.username}, here's the data:
        </p>
        {state.kind === 'ready' && (
          <>
            <p class="data">{state.data}</p>
            <p class="session-end">
              Your session ends{' '}
              <time dateTime={state.sessionEnds.toISOString()}>{dateTime.format(state.sessionEnds)}</time>.
            </p>
          </>
        )}
        {state.kind === 'failed' && (
          <LoadFailure reason={state.reason} what="the data" onRetry={() => void load()} />
        )}
      </section>
    </>
  );
}

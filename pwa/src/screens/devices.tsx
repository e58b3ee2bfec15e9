// The devices page: every session of the person (GET /sessions), ending one (DELETE /sessions/:id)
// or all of them (DELETE /sessions, "log out everywhere"). Loaded when first opened.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeUserAgent } from '../../../worker/http/device-name';
import { call, type SessionInfo, statusOf } from '../api';
import { LoadFailure, Notice, StatusRegion } from '../components';
import { PAGES, type PageProps } from '../pages';
import { When } from '../when';

const api = {
  /** Log out everywhere: ends every session of the person, this one included. */
  logoutEverywhere: (token: string) => call<unknown>('DELETE', '/sessions', { token }),
  /** One page of the person's sessions; `next` names the following page, null after the last. */
  sessions: (token: string, cursor: string | null = null) =>
    call<{ sessions: SessionInfo[]; next: string | null }>(
      'GET',
      cursor === null ? '/sessions' : `/sessions?cursor=${encodeURIComponent(cursor)}`,
      { token },
    ),
  endSession: (token: string, id: string) =>
    call<unknown>('DELETE', `/sessions/${encodeURIComponent(id)}`, { token }),
};

type ListState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly sessions: readonly SessionInfo[] }
  | { readonly kind: 'failed'; readonly reason: 'unreachable' | 'error' };

function problemText(outcome: { kind: 'unreachable' } | { kind: 'refused'; problem?: { detail?: string } }) {
  if (outcome.kind === 'unreachable') return 'Gatehouse could not be reached. Check your connection.';
  return outcome.problem?.detail ?? 'An error occurred. Please try again.';
}

export default function DevicesScreen(props: PageProps) {
  const { session, online, onSessionEnded, onSignedOut } = props;
  const [state, setState] = useState<ListState>({ kind: 'loading' });
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setState((current) => (current.kind === 'ready' ? current : { kind: 'loading' }));
    // Every page (an account has at most 50 sessions, one page of the API's).
    const all: SessionInfo[] = [];
    let cursor: string | null = null;
    do {
      const outcome = await api.sessions(session.token, cursor);
      if (outcome.kind !== 'ok') {
        if (statusOf(outcome) === 401) onSessionEnded();
        else setState({ kind: 'failed', reason: outcome.kind === 'unreachable' ? 'unreachable' : 'error' });
        return;
      }
      all.push(...outcome.body.sessions);
      cursor = outcome.body.next;
    } while (cursor !== null);
    // This device first, then the others, most recently used first.
    const used = (item: SessionInfo) => item.last_used_at ?? item.created_at;
    const sessions = all.sort((a, b) => Number(b.current) - Number(a.current) || used(b) - used(a));
    setState({ kind: 'ready', sessions });
  }, [session.token, onSessionEnded]);

  useEffect(() => {
    if (online) void load();
  }, [online, load]);

  async function end(item: SessionInfo) {
    if (busy !== null) return;
    setBusy(item.id);
    setStatus(null);
    const outcome = await api.endSession(session.token, item.id);
    setBusy(null);
    if (statusOf(outcome) === 401) return onSessionEnded();
    // 404: it had already ended (expired, or ended elsewhere); the new list shows that.
    if (outcome.kind === 'ok' || statusOf(outcome) === 404) {
      setStatus({ text: `The session on ${describeUserAgent(item.user_agent)} has ended.`, error: false });
    } else setStatus({ text: problemText(outcome), error: true });
    // Its button is gone: focus goes to the list's heading, not to the top of the page.
    listHeading.current?.focus();
    await load();
  }

  async function endAll() {
    if (busy !== null) return;
    setBusy('all');
    setStatus(null);
    const outcome = await api.logoutEverywhere(session.token);
    setBusy(null);
    if (outcome.kind === 'ok') return onSignedOut('everywhere');
    if (statusOf(outcome) === 401) return onSessionEnded();
    setStatus({ text: problemText(outcome), error: true });
  }

  return (
    <>
      <StatusRegion>
        {!online && (
          <Notice tone="warning">You are offline. Your devices will load when the connection returns.</Notice>
        )}
        {online && state.kind === 'loading' && (
          <p class="loading">
            <span class="spinner" aria-hidden="true" />
            Loading your devices…
          </p>
        )}
        {status !== null && <Notice tone={status.error ? 'error' : 'info'}>{status.text}</Notice>}
      </StatusRegion>
      <section class="card" aria-labelledby="devices-heading" aria-busy={state.kind === 'loading'}>
        <h2 id="devices-heading" ref={listHeading} tabIndex={-1} class="focus-target">
          Where you are logged in
        </h2>
        {state.kind === 'failed' && (
          <LoadFailure reason={state.reason} what="your devices" onRetry={() => void load()} />
        )}
        {state.kind === 'ready' && state.sessions.length === 0 && <p>No device is logged in.</p>}
        {state.kind === 'ready' && state.sessions.length > 0 && (
          <ul class="devices">
            {state.sessions.map((item) => (
              <li key={item.id} class="device">
                <h3 id={`device-${item.id}`}>
                  {describeUserAgent(item.user_agent)}
                  {item.current && <span class="badge">This device</span>}
                </h3>
                <dl>
                  <div>
                    <dt>Last used</dt>
                    <dd>
                      <When seconds={item.last_used_at ?? item.created_at} relative />
                    </dd>
                  </div>
                  <div>
                    <dt>Logged in</dt>
                    <dd>
                      <When seconds={item.created_at} />
                    </dd>
                  </div>
                </dl>
                {!item.current && (
                  <button
                    type="button"
                    class="button secondary"
                    aria-describedby={`device-${item.id}`}
                    aria-disabled={busy !== null}
                    onClick={() => void end(item)}
                  >
                    End session
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="everywhere-heading">
        <h2 id="everywhere-heading">Log out everywhere</h2>
        <p>Ends every session on every device, this one included. Each device must log in again.</p>
        <div class="actions">
          <button
            type="button"
            class="button secondary"
            aria-disabled={busy !== null}
            onClick={() => void endAll()}
          >
            Log out everywhere
          </button>
        </div>
        {/* Where the activity page sends someone who sees sign-in attempts that were not theirs. */}
        <p>
          If someone else may know your password, change it: that logs out every other device too.{' '}
          <a href={PAGES.account.href}>Change password</a>
        </p>
      </section>
    </>
  );
}

// The activity page: what happened to the person's account (GET /activity, docs/activity.md), newest
// first, one page of 50 at a time. Sign-in attempts that failed point to the devices page, where the
// person can log out everywhere or go on to change the password. Loaded when first opened.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ActivityType } from '../../../worker/activity/event-types.ts';
import { call, statusOf } from '../api';
import { LoadFailure, Notice, StatusRegion } from '../components';
import { PAGES, type PageProps } from '../pages';
import { When } from '../when';

/** One event of the person's account (GET /activity); the time in seconds since the epoch. */
interface ActivityEvent {
  /** One of ACTIVITY_TYPES (worker/activity/event-types.ts), or a type this app does not know yet. */
  readonly type: string;
  readonly at: number;
  /** How many times: attempts are counted per network and hour; 1 for everything else. */
  readonly count: number;
  /** "Firefox on Android", as the devices page names a device; null when unknown. */
  readonly device: string | null;
  /** "203.0.113.0/24" or "2001:db8:1::/48"; null when unknown. */
  readonly network: string | null;
  readonly session_id: string | null;
  /** It happened in, or started, the session of the token that asked. */
  readonly current: boolean;
}

const api = {
  /** One page of the account's activity, newest first; `next` names the following page, null after the last. */
  activity: (token: string, cursor: string | null = null) =>
    call<{ events: ActivityEvent[]; next: string | null }>(
      'GET',
      cursor === null ? '/activity' : `/activity?cursor=${encodeURIComponent(cursor)}`,
      { token },
    ),
};

type ListState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly events: readonly ActivityEvent[]; readonly next: string | null }
  | { readonly kind: 'failed'; readonly reason: 'unreachable' | 'error' };

const device = (event: ActivityEvent) => event.device ?? 'an unknown device';
const network = (event: ActivityEvent) =>
  event.network === null ? 'an unknown network' : `network ${event.network}`;
const times = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Every event type in plain words; a type added to the Worker and missing here is a type error. */
const WORDS: Readonly<Record<ActivityType, (event: ActivityEvent) => string>> = {
  sign_up: (e) => `Created the account on ${device(e)}`,
  sign_in: (e) => `Signed in on ${device(e)}`,
  passkey_sign_in: (e) => `Signed in with a passkey on ${device(e)}`,
  sign_in_failed: (e) =>
    `${times(e.count, 'failed sign-in attempt', 'failed sign-in attempts')} · ${network(e)}`,
  sign_in_throttled: (e) =>
    `Sign-in paused after repeated failures, ${times(e.count, 'attempt', 'attempts')} turned away · ${network(e)}`,
  logout: (e) => `Logged out on ${device(e)}`,
  session_ended: (e) => `Ended a session from ${device(e)}`,
  logout_everywhere: (e) => `Logged out everywhere from ${device(e)}`,
  refresh_reuse: (e) => `A replaced sign-in was used again on ${device(e)}, so that session was ended`,
  password_changed: (e) => `Changed the password on ${device(e)}`,
  passkey_added: (e) => `Added a passkey on ${device(e)}`,
  passkey_removed: (e) => `Removed a passkey on ${device(e)}`,
};

/** Attempts at the password: the rows that ask "was this you?". */
const ATTEMPTS: ReadonlySet<string> = new Set<ActivityType>(['sign_in_failed', 'sign_in_throttled']);

/** The event in words; a type this version of the app does not know yet still gets a line. */
function describeEvent(event: ActivityEvent): string {
  return Object.hasOwn(WORDS, event.type)
    ? WORDS[event.type as ActivityType](event)
    : `Account activity on ${device(event)}`;
}

export default function ActivityScreen(props: PageProps) {
  const { session, online, onSessionEnded } = props;
  const [state, setState] = useState<ListState>({ kind: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreFailed, setMoreFailed] = useState(false);
  // After "Show older activity", focus goes to the first of the events it added.
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const list = useRef<HTMLUListElement>(null);

  /** The first page, or (with `after`) the page after the events shown. */
  const load = useCallback(
    async (after: { events: readonly ActivityEvent[]; cursor: string } | null) => {
      if (after === null) setState((current) => (current.kind === 'ready' ? current : { kind: 'loading' }));
      const outcome = await api.activity(session.token, after?.cursor ?? null);
      if (outcome.kind !== 'ok') {
        if (statusOf(outcome) === 401) onSessionEnded();
        else if (after !== null) setMoreFailed(true);
        else setState({ kind: 'failed', reason: outcome.kind === 'unreachable' ? 'unreachable' : 'error' });
        return;
      }
      const earlier = after?.events ?? [];
      setState({ kind: 'ready', events: [...earlier, ...outcome.body.events], next: outcome.body.next });
      if (after !== null && outcome.body.events.length > 0) setFocusIndex(earlier.length);
    },
    [session.token, onSessionEnded],
  );

  useEffect(() => {
    if (online) void load(null);
  }, [online, load]);

  useEffect(() => {
    if (focusIndex === null) return;
    (list.current?.children[focusIndex] as HTMLElement | undefined)?.focus();
    setFocusIndex(null);
  }, [focusIndex]);

  async function showOlder() {
    if (state.kind !== 'ready' || state.next === null || loadingMore) return;
    setLoadingMore(true);
    setMoreFailed(false);
    await load({ events: state.events, cursor: state.next });
    setLoadingMore(false);
  }

  return (
    <>
      <StatusRegion>
        {!online && (
          <Notice tone="warning">
            You are offline. Your activity will load when the connection returns.
          </Notice>
        )}
        {online && (state.kind === 'loading' || loadingMore) && (
          <p class="loading">
            <span class="spinner" aria-hidden="true" />
            Loading your activity…
          </p>
        )}
        {moreFailed && <Notice tone="error">Older activity could not be loaded. Please try again.</Notice>}
      </StatusRegion>
      <section class="card" aria-labelledby="activity-heading" aria-busy={state.kind === 'loading'}>
        <h2 id="activity-heading">What happened to your account</h2>
        {state.kind === 'failed' && (
          <LoadFailure reason={state.reason} what="your activity" onRetry={() => void load(null)} />
        )}
        {state.kind === 'ready' && state.events.length === 0 && <p>Nothing has happened yet.</p>}
        {state.kind === 'ready' && state.events.length > 0 && (
          <ul class="activity" ref={list}>
            {state.events.map((event, index) => (
              // Events have no id of their own; the list only ever grows at its end.
              <li key={index} class="activity-event focus-target" tabIndex={-1}>
                <p class="activity-line">
                  {describeEvent(event)} · <When seconds={event.at} relative />
                </p>
                {(event.current || (!ATTEMPTS.has(event.type) && event.network !== null)) && (
                  <p class="activity-detail">
                    {event.current && <span class="badge">This device</span>}
                    {!ATTEMPTS.has(event.type) && event.network !== null && (
                      <span>From {network(event)}</span>
                    )}
                  </p>
                )}
                {ATTEMPTS.has(event.type) && (
                  <p class="activity-detail">
                    <a href={PAGES.devices.href}>Not you? Log out everywhere or change your password</a>
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
        {state.kind === 'ready' && state.next !== null && (
          <div class="actions">
            <button
              type="button"
              class="button secondary"
              aria-disabled={loadingMore}
              onClick={() => void showOlder()}
            >
              Show older activity
            </button>
          </div>
        )}
      </section>
    </>
  );
}

// The log-in / sign-up page: the tutorial's one form with two buttons, its checks and its messages.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type Credentials, type Outcome } from '../api';
import { type Message, MessageDialog, Notice, StatusRegion } from '../components';
import { loadDeviceToken, saveDeviceToken } from '../token-store';

/** The tutorial's client refuses these before sending; every other rule is the server's to state. */
const TUTORIAL_MIN_LENGTH = 4;

const MESSAGES = {
  shortUsername: { title: 'Invalid Username', text: 'The username should be at least 4 characters long' },
  shortPassword: { title: 'Invalid Password', text: 'The password should be at least 4 characters long' },
  created: { title: 'Success', text: 'The user was created. Log in now.' },
  taken: {
    title: 'That username is already registered',
    text: 'Please try to sign up using another username or log in if you already have an account.',
  },
  noAccount: { title: 'An Error Occurred', text: 'No account was found matching that username and password' },
  unreachable: {
    title: 'No Connection',
    text: 'Gatehouse could not be reached. Check your connection and try again.',
  },
} satisfies Record<string, Message>;

/** The API's own reason when it gave one (a password rule, a wait), else the tutorial's words. */
function unknownError(reason: string | undefined): Message {
  return { title: 'An Error Occurred', text: reason ?? 'An unknown error occurred.' };
}

function signUpMessage(outcome: Outcome<unknown>): Message {
  if (outcome.kind === 'unreachable') return MESSAGES.unreachable;
  if (outcome.status === 201) return MESSAGES.created;
  if (outcome.kind === 'refused' && outcome.status === 409) return MESSAGES.taken;
  return unknownError(outcome.kind === 'refused' ? outcome.problem?.detail : undefined);
}

function logInFailure(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>): Message {
  if (outcome.kind === 'unreachable') return MESSAGES.unreachable;
  // Throttling and server faults are not "no account": say what the server said.
  if (outcome.status === 429 || outcome.status >= 500) return unknownError(outcome.problem?.detail);
  return MESSAGES.noAccount;
}

type Action = 'login' | 'signup' | 'passkey';

/** The passkey code: loaded when a passkey is first wanted, never with the page (docs/passkeys.md). */
const passkeys = () => import('../passkeys/ceremony');
/** Whether a passkey prompt or autofill suggestion is under way (one log-in screen at a time). */
let offered = false;

export function LoginScreen(props: {
  notice: string | undefined;
  online: boolean;
  /** Move focus here on arrival (not on the first screen of a page load). */
  takeFocus: boolean;
  onLoggedIn: (token: string) => Promise<void>;
}) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const trigger = useRef<HTMLElement | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const notice = useRef<HTMLDivElement>(null);

  // Passkeys: offered in the username field's suggestions (conditional UI) from its first focus on,
  // and by their button, for the typed name's account when there is one. A suggestion still pending
  // when this screen goes is ended by the next prompt of any kind (passkeys/ceremony.ts).

  /** From the username field's focus (autofill) or the button (the prompt, now). */
  async function passkey(event: Event) {
    const autofill = event.type === 'focus';
    if (autofill ? offered : busy !== null) return;
    offered = true;
    trigger.current = event.currentTarget as HTMLElement;
    if (!autofill) setBusy('passkey');
    const username = autofill ? null : (document.getElementById('username') as HTMLInputElement).value;
    const result = await passkeys()
      .then((module) => module.default(username))
      .catch(() => (autofill ? null : MESSAGES.unreachable));
    offered = false;
    if (!autofill) setBusy(null);
    if (typeof result === 'string') await props.onLoggedIn(result);
    else if (result) setMessage(result);
  }

  useLayoutEffect(() => {
    document.title = 'Log In · Gatehouse';
    // After log-out or expiry, land on the reason (or the heading) so it is read out.
    if (props.takeFocus) (notice.current ?? heading.current)?.focus();
  }, []);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy !== null) return;
    const submitter = event.submitter instanceof HTMLButtonElement ? event.submitter : null;
    const action: Action = submitter?.value === 'signup' ? 'signup' : 'login';
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const credentials: Credentials = {
      username: String(form.get('username') ?? ''),
      password: String(form.get('password') ?? ''),
    };
    trigger.current = submitter;

    if (action === 'signup') {
      if (credentials.username.length < TUTORIAL_MIN_LENGTH) return setMessage(MESSAGES.shortUsername);
      if (credentials.password.length < TUTORIAL_MIN_LENGTH) return setMessage(MESSAGES.shortPassword);
    }

    setBusy(action);
    try {
      if (action === 'signup') {
        setMessage(signUpMessage(await api.signup(credentials)));
        return;
      }
      const outcome = await api.login(credentials, await loadDeviceToken());
      if (outcome.kind !== 'ok') return setMessage(logInFailure(outcome));
      if (outcome.body.device_token) await saveDeviceToken(outcome.body.device_token);
      await props.onLoggedIn(outcome.body.access_token);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <header class="bar">
        <img class="bar-icon" src="/icon.svg" alt="" width={32} height={32} />
        <h1 class="bar-title">Gatehouse</h1>
      </header>
      <main class="page">
        <StatusRegion>
          {!props.online && (
            <Notice tone="warning">You are offline. Logging in and signing up need a connection.</Notice>
          )}
          {(busy === 'login' || busy === 'passkey') && <p class="visually-hidden">Logging in…</p>}
          {busy === 'signup' && <p class="visually-hidden">Signing up…</p>}
        </StatusRegion>
        {props.notice !== undefined && (
          <div ref={notice} tabIndex={-1} class="focus-target">
            <Notice tone="info">{props.notice}</Notice>
          </div>
        )}
        <form class="card" onSubmit={submit} noValidate aria-labelledby="login-heading">
          <h2 id="login-heading" ref={heading} tabIndex={-1} class="focus-target">
            Log in or sign up
          </h2>
          <div class="field">
            <label for="username">Username</label>
            <input
              id="username"
              name="username"
              type="text"
              autocomplete="username webauthn"
              autocapitalize="none"
              spellcheck={false}
              onFocus={passkey}
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" />
          </div>
          <div class="actions">
            {/* Enter in a field submits with the first button: Log In, as a person expects. */}
            <button
              type="submit"
              name="action"
              value="login"
              class="button primary"
              aria-disabled={busy !== null}
            >
              Log In
            </button>
            <button
              type="submit"
              name="action"
              value="signup"
              class="button secondary"
              aria-disabled={busy !== null}
            >
              Sign Up
            </button>
          </div>
          <button
            type="button"
            class="button secondary passkey"
            aria-disabled={busy !== null}
            onClick={passkey}
          >
            Sign in with a passkey
          </button>
        </form>
      </main>
      {message !== null && (
        <MessageDialog message={message} returnFocus={trigger.current} onClose={() => setMessage(null)} />
      )}
    </>
  );
}

// The account page's passkeys (docs/passkeys.md): add one on this device, the list with each one's
// name, when it was added and last used, rename, and delete behind a confirmation. Adding and deleting
// need a recent sign-in (the fresh-session rule): when the API asks for one, a dialog asks for the
// password, logs in again (a new session, whose token the app takes; the old session ends), and retries.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, call, type Outcome, statusOf, type TokenResponse } from '../api';
import { LoadFailure, Notice, useModalDialog } from '../components';
import { dateTime } from '../dates';
import type { PageProps } from '../pages';
import { type PasskeyInfo, passkeyApi } from '../passkeys/passkey-api';
import { ConfirmPassword } from './password-fields';

type List =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly passkeys: readonly PasskeyInfo[] }
  | { readonly kind: 'failed'; readonly reason: 'unreachable' | 'error' };

type Dialog =
  | { readonly kind: 'rename' | 'delete'; readonly passkey: PasskeyInfo }
  /** The fresh-session rule asked for a sign-in; `retry` runs with the new token. */
  | { readonly kind: 'reauthenticate'; readonly retry: (token: string) => Promise<void> };

function problemText(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>): string {
  if (outcome.kind === 'unreachable') return 'Gatehouse could not be reached. Check your connection.';
  return outcome.problem?.detail ?? 'An error occurred. Please try again.';
}

const needsSignIn = (outcome: Outcome<unknown>) =>
  outcome.kind === 'refused' && outcome.problem?.type === '/problems/reauthentication-required';

export function PasskeysSection(props: PageProps) {
  const { session, onSessionEnded } = props;
  const [list, setList] = useState<List>({ kind: 'loading' });
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const outcome = await passkeyApi.list(session.token);
    if (outcome.kind === 'ok') setList({ kind: 'ready', passkeys: outcome.body.passkeys });
    else if (statusOf(outcome) === 401) onSessionEnded();
    else setList({ kind: 'failed', reason: outcome.kind === 'unreachable' ? 'unreachable' : 'error' });
  }, [session.token, onSessionEnded]);

  useEffect(() => {
    void load();
  }, [load]);

  async function add(token: string) {
    setBusy(true);
    setStatus(null);
    const result = await import('../passkeys/ceremony')
      .then((module) => module.addPasskey(token))
      .catch(
        () => ({ kind: 'failed', text: 'Gatehouse could not be reached. Check your connection.' }) as const,
      );
    setBusy(false);
    if (result.kind === 'ended') return onSessionEnded();
    if (result.kind === 'reauthenticate') return setDialog({ kind: 'reauthenticate', retry: add });
    if (result.kind === 'failed') return setStatus({ text: result.text, error: true });
    setStatus({ text: `Passkey added: ${result.passkey.name}. You can now sign in with it.`, error: false });
    await load();
  }

  async function remove(passkey: PasskeyInfo, token: string): Promise<void> {
    const outcome = await passkeyApi.remove(token, passkey.id);
    if (needsSignIn(outcome))
      return setDialog({ kind: 'reauthenticate', retry: (next) => remove(passkey, next) });
    setDialog(null);
    if (statusOf(outcome) === 401) return onSessionEnded();
    // 404: it was already deleted (elsewhere); the new list shows that.
    if (outcome.kind === 'ok' || statusOf(outcome) === 404) {
      setStatus({
        text: `The passkey ${passkey.name} has been deleted. Your password still works.`,
        error: false,
      });
    } else setStatus({ text: problemText(outcome), error: true });
    // Its buttons are gone: focus goes to the list's heading.
    heading.current?.focus();
    await load();
  }

  return (
    <section class="card" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading" ref={heading} tabIndex={-1} class="focus-target">
        Passkeys
      </h2>
      <p>
        Sign in with your fingerprint, face or screen lock instead of your password. Your password keeps
        working.
      </p>
      <div role="status" class="status-region">
        {busy && <p class="visually-hidden">Adding a passkey…</p>}
        {status !== null && <Notice tone={status.error ? 'error' : 'info'}>{status.text}</Notice>}
      </div>
      {list.kind === 'failed' && (
        <LoadFailure reason={list.reason} what="your passkeys" onRetry={() => void load()} />
      )}
      {list.kind === 'ready' && list.passkeys.length === 0 && <p>You have no passkeys yet.</p>}
      {list.kind === 'ready' && list.passkeys.length > 0 && (
        <ul class="devices" aria-label="Your passkeys">
          {list.passkeys.map((passkey) => (
            <li key={passkey.id} class="device">
              <h3 id={`passkey-${passkey.id}`}>{passkey.name}</h3>
              <dl>
                <div>
                  <dt>Added</dt>
                  <dd>{dateTime.format(passkey.created_at * 1000)}</dd>
                </div>
                <div>
                  <dt>Last used</dt>
                  <dd>
                    {passkey.last_used_at === null ? 'Never' : dateTime.format(passkey.last_used_at * 1000)}
                  </dd>
                </div>
              </dl>
              <div class="actions">
                <button
                  type="button"
                  class="button secondary"
                  aria-describedby={`passkey-${passkey.id}`}
                  onClick={() => setDialog({ kind: 'rename', passkey })}
                >
                  Rename
                </button>
                <button
                  type="button"
                  class="button danger"
                  aria-describedby={`passkey-${passkey.id}`}
                  onClick={() => setDialog({ kind: 'delete', passkey })}
                >
                  Delete…
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <button
          type="button"
          class="button primary"
          aria-disabled={busy}
          onClick={() => !busy && void add(session.token)}
        >
          Add a passkey
        </button>
      </div>
      {dialog?.kind === 'rename' && (
        <RenameDialog
          {...props}
          passkey={dialog.passkey}
          onClose={() => setDialog(null)}
          onRenamed={() => void load()}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete the passkey ${dialog.passkey.name}?`}
          text="You will no longer be able to sign in with it. Your password keeps working."
          action="Delete passkey"
          onClose={() => setDialog(null)}
          onConfirm={() => remove(dialog.passkey, session.token)}
        />
      )}
      {dialog?.kind === 'reauthenticate' && (
        <SignInAgainDialog {...props} onClose={() => setDialog(null)} onSignedIn={dialog.retry} />
      )}
    </section>
  );
}

/** A modal <dialog> with a form: Escape or Cancel closes it; `submit` gets the form. */
function FormDialog(props: {
  id: string;
  title: string;
  text: string;
  action: string;
  error: string | null;
  children?: ComponentChildren;
  danger?: boolean;
  onClose: () => void;
  submit: (form: HTMLFormElement) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const dialog = useModalDialog(
    (element) =>
      (element.querySelector<HTMLElement>('input:not([hidden])') ?? element.querySelector('button'))?.focus(),
    () => props.onClose(),
  );
  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    await props.submit(event.currentTarget as HTMLFormElement);
    setBusy(false);
  }
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={`${props.id}-title`}
      aria-describedby={`${props.id}-text`}
    >
      <form onSubmit={onSubmit} noValidate class="dialog-form">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <p id={`${props.id}-text`}>{props.text}</p>
        {props.children}
        <div role="alert" class="status-region">
          {props.error !== null && <Notice tone="error">{props.error}</Notice>}
        </div>
        <div class="actions">
          <button type="button" class="button secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class={`button ${props.danger ? 'danger' : 'primary'}`} aria-disabled={busy}>
            {props.action}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ConfirmDialog(props: {
  title: string;
  text: string;
  action: string;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  return <FormDialog id="confirm" error={null} danger {...props} submit={props.onConfirm} />;
}

function RenameDialog(
  props: PageProps & { passkey: PasskeyInfo; onClose: () => void; onRenamed: () => void },
) {
  const [error, setError] = useState<string | null>(null);
  return (
    <FormDialog
      id="rename"
      title="Rename passkey"
      text="A name that tells you which device or password manager keeps it."
      action="Save"
      error={error}
      onClose={props.onClose}
      submit={async (form) => {
        const name = String(new FormData(form).get('name') ?? '');
        const outcome = await passkeyApi.rename(props.session.token, props.passkey.id, name);
        if (statusOf(outcome) === 401) return props.onSessionEnded();
        if (outcome.kind !== 'ok') return setError(problemText(outcome));
        props.onRenamed();
        props.onClose();
      }}
    >
      <div class="field">
        <label for="passkey-name">Name</label>
        <input id="passkey-name" name="name" type="text" maxLength={64} value={props.passkey.name} />
      </div>
    </FormDialog>
  );
}

function SignInAgainDialog(
  props: PageProps & { onClose: () => void; onSignedIn: (token: string) => Promise<void> },
) {
  const [error, setError] = useState<string | null>(null);
  return (
    <FormDialog
      id="sign-in-again"
      title="Confirm it’s you"
      text="Adding or deleting a passkey needs a recent sign-in. Enter your password to continue."
      action="Continue"
      error={error}
      onClose={props.onClose}
      submit={async (form) => {
        const password = String(new FormData(form).get('password') ?? '');
        // No device token: signing in again from a page already signed in needs none.
        const outcome = await call<TokenResponse>('POST', '/login', {
          body: { username: props.session.username, password },
        });
        if (outcome.kind !== 'ok') {
          return setError(statusOf(outcome) === 401 ? 'The password is not correct.' : problemText(outcome));
        }
        const previous = props.session.token;
        await props.onNewToken(outcome.body.access_token);
        // The session this page had is replaced by the new one: it ends, so it is not left behind.
        void api.logout(previous);
        props.onClose();
        await props.onSignedIn(outcome.body.access_token);
      }}
    >
      <ConfirmPassword
        id="sign-in-again-password"
        name="password"
        label="Password"
        username={props.session.username}
      />
    </FormDialog>
  );
}

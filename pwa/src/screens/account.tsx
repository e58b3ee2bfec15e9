// The account page: change the password (POST /password), the passkeys (screens/passkeys-section.tsx)
// and delete the account (DELETE /account), both confirmed with the password. Loaded when first opened.
import { useRef, useState } from 'preact/hooks';
import { call, type Outcome, statusOf, type TokenResponse } from '../api';
import { Notice, useModalDialog } from '../components';
import type { PageProps } from '../pages';
import { PasskeysSection } from './passkeys-section';
import { ConfirmPassword, UsernameForManagers } from './password-fields';

const api = {
  /** Ends every session, this one too, and answers the token of a new one. */
  changePassword: (token: string, body: { current_password: string; new_password: string }) =>
    call<TokenResponse>('POST', '/password', { token, body }),
  deleteAccount: (token: string, password: string) =>
    call<unknown>('DELETE', '/account', { token, body: { password } }),
};

type Result = { readonly text: string; readonly ok: boolean } | null;

const WRONG_PASSWORD = 'The current password is not correct.';

/** The API's words for a refusal: its reason (a password rule, a wait) when it gave one. */
function refusal(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>, forbidden: string): string {
  if (outcome.kind === 'unreachable') return 'Gatehouse could not be reached. Check your connection.';
  if (outcome.status === 403) return forbidden;
  return outcome.problem?.detail ?? 'An error occurred. Please try again.';
}

function field(form: HTMLFormElement, name: string): string {
  return String(new FormData(form).get(name) ?? '');
}

export default function AccountScreen(props: PageProps) {
  const { session, onSessionEnded, onSignedOut, onNewToken } = props;
  const [changing, setChanging] = useState(false);
  const [changeResult, setChangeResult] = useState<Result>(null);
  const [deleting, setDeleting] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);

  async function changePassword(event: SubmitEvent) {
    event.preventDefault();
    if (changing) return;
    const form = event.currentTarget as HTMLFormElement;
    setChanging(true);
    setChangeResult(null);
    const outcome = await api.changePassword(session.token, {
      current_password: field(form, 'current_password'),
      new_password: field(form, 'new_password'),
    });
    setChanging(false);
    if (outcome.kind === 'ok') {
      // The password fields only: the hidden username stays for password managers.
      for (const name of ['current_password', 'new_password']) {
        (form.elements.namedItem(name) as HTMLInputElement).value = '';
      }
      setChangeResult({
        ok: true,
        text: 'Your password has been changed. Every other device has been logged out; this one stays logged in.',
      });
      // Every earlier token has ended, this device's too: it continues with the new session's.
      await onNewToken(outcome.body.access_token);
    } else if (statusOf(outcome) === 401) onSessionEnded();
    else setChangeResult({ ok: false, text: refusal(outcome, WRONG_PASSWORD) });
  }

  return (
    <>
      <form class="card" onSubmit={changePassword} noValidate aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <UsernameForManagers username={session.username} />
        <div class="field">
          <label for="current-password">Current password</label>
          <input
            id="current-password"
            name="current_password"
            type="password"
            autocomplete="current-password"
          />
        </div>
        <div class="field">
          <label for="new-password">New password</label>
          <input id="new-password" name="new_password" type="password" autocomplete="new-password" />
        </div>
        <div role="status" class="status-region">
          {changing && <p class="visually-hidden">Changing the password…</p>}
          {changeResult !== null && (
            <Notice tone={changeResult.ok ? 'info' : 'error'}>{changeResult.text}</Notice>
          )}
        </div>
        <div class="actions">
          <button type="submit" class="button primary" aria-disabled={changing}>
            Change password
          </button>
        </div>
      </form>
      <PasskeysSection {...props} />
      <section class="card" aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete account</h2>
        <p>
          Deleting your account removes it and ends every session on every device. Your username becomes free
          for anyone to take. This cannot be undone.
        </p>
        <div class="actions">
          <button type="button" class="button danger" ref={opener} onClick={() => setDeleting(true)}>
            Delete account…
          </button>
        </div>
      </section>
      {deleting && (
        <DeleteDialog
          {...props}
          onClose={() => {
            setDeleting(false);
            opener.current?.focus();
          }}
          onDeleted={() => onSignedOut('deleted')}
        />
      )}
    </>
  );
}

/** The confirmation: a modal <dialog> that asks for the password. Escape or Cancel closes it. */
function DeleteDialog(props: PageProps & { onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialog = useModalDialog(
    // The dialog's one question: focus starts there.
    (element) => element.querySelector<HTMLInputElement>('#delete-password')?.focus(),
    () => props.onClose(),
  );

  async function confirm(event: SubmitEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const form = event.currentTarget as HTMLFormElement;
    const outcome = await api.deleteAccount(props.session.token, field(form, 'password'));
    setBusy(false);
    if (outcome.kind === 'ok') return props.onDeleted();
    if (statusOf(outcome) === 401) return props.onSessionEnded();
    setError(refusal(outcome, 'The password is not correct. Your account has not been deleted.'));
    (form.elements.namedItem('password') as HTMLInputElement | null)?.select();
  }

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="delete-title" aria-describedby="delete-text">
      <form onSubmit={confirm} noValidate class="dialog-form">
        <h2 id="delete-title">Delete your account?</h2>
        <p id="delete-text">
          Your account and all its sessions will be deleted. Enter your password to confirm.
        </p>
        <ConfirmPassword
          id="delete-password"
          name="password"
          label="Password"
          username={props.session.username}
        />
        <div role="alert" class="status-region">
          {error !== null && <Notice tone="error">{error}</Notice>}
        </div>
        <div class="actions">
          <button type="button" class="button secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="button danger" aria-disabled={busy}>
            Delete account
          </button>
        </div>
      </form>
    </dialog>
  );
}

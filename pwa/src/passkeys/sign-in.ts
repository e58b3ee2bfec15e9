// Signing in with a passkey (docs/passkeys.md): the browser's prompt or its autofill suggestion through
// @simplewebauthn/browser, and the API calls around it, with a message for each way it ends. Loaded by
// the log-in screen only when a passkey is wanted (the username field's focus, the button), never with
// the app's first load. Each prompt the library starts ends the one before it (its
// WebAuthnAbortService): the autofill's pending suggestion gives way to the button's prompt, or to
// adding a passkey after logging in.
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
} from '@simplewebauthn/browser';
import { call, type Outcome, type TokenResponse } from '../api';
import type { Message } from '../components';

const UNSUPPORTED = 'This browser does not support passkeys. Log in with your password instead.';
const UNREACHABLE = 'Gatehouse could not be reached. Check your connection and try again.';

export const SIGN_IN_MESSAGES = {
  unsupported: { title: 'Passkeys Not Supported', text: UNSUPPORTED },
  cancelled: {
    title: 'No Passkey Chosen',
    text: 'The passkey prompt was closed before signing in. Try again, or log in with your password.',
  },
  unknown: {
    title: 'Passkey Not Recognised',
    text: 'This account does not know that passkey: it may have been deleted, or belong to another account. Choose another passkey or log in with your password.',
  },
  unreachable: { title: 'No Connection', text: UNREACHABLE },
} satisfies Record<string, Message>;

function failure(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>): Message {
  if (outcome.kind === 'unreachable') return SIGN_IN_MESSAGES.unreachable;
  if (outcome.status === 401) return SIGN_IN_MESSAGES.unknown;
  return { title: 'An Error Occurred', text: outcome.problem?.detail ?? 'An unknown error occurred.' };
}

/** Whether a prompt ended because it was cancelled: by the person, a timeout, or a newer prompt. */
function cancelled(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: string } | null)?.code;
  return name === 'NotAllowedError' || name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED';
}

/**
 * Signs in with a passkey: the token, or why not. With `username` null it waits quietly for the person
 * to pick a passkey in the username field's suggestions (conditional UI), and ends in null when that
 * is given up; otherwise the browser's prompt opens now, for the typed name's account when there is one.
 */
export default async function signInWithPasskey(username: string | null): Promise<string | Message | null> {
  const autofill = username === null;
  if (autofill ? !(await browserSupportsWebAuthnAutofill()) : !browserSupportsWebAuthn()) {
    return autofill ? null : SIGN_IN_MESSAGES.unsupported;
  }
  const options = await call<Parameters<typeof startAuthentication>[0]['optionsJSON']>(
    'POST',
    '/passkeys/login/options',
    { body: username === null || username.trim() === '' ? {} : { username } },
  );
  if (options.kind !== 'ok') return autofill ? null : failure(options);
  let credential: Awaited<ReturnType<typeof startAuthentication>>;
  try {
    credential = await startAuthentication({ optionsJSON: options.body, useBrowserAutofill: autofill });
  } catch (error) {
    if (autofill) return null;
    return cancelled(error) ? SIGN_IN_MESSAGES.cancelled : SIGN_IN_MESSAGES.unsupported;
  }
  const answer = await call<TokenResponse>('POST', '/passkeys/login', { body: credential });
  return answer.kind === 'ok' ? answer.body.access_token : failure(answer);
}

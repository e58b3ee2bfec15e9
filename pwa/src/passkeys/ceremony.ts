// Passkeys in the browser (docs/passkeys.md): the prompts through @simplewebauthn/browser and the API
// calls around them, with a message for each way they end. One module, loaded only when a passkey is
// wanted (the log-in screen's username field or button, the account page's Add a passkey), never with
// the app's first load. Each prompt the library starts ends the one before it (its
// WebAuthnAbortService): the autofill's pending suggestion gives way to the button's prompt, or to
// adding a passkey after logging in.
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import { call, type Outcome, type TokenResponse } from '../api';
import type { Message } from '../components';
import type { PasskeyInfo } from './passkey-api';

const UNSUPPORTED = 'This browser does not support passkeys. Log in with your password instead.';
const UNREACHABLE = 'Gatehouse could not be reached. Check your connection and try again.';

const SIGN_IN_MESSAGES = {
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

export type AddResult =
  | { readonly kind: 'added'; readonly passkey: PasskeyInfo }
  /** The session is not fresh enough (docs/passkeys.md): sign in again, then retry. */
  | { readonly kind: 'reauthenticate' }
  /** 401: the token no longer works. */
  | { readonly kind: 'ended' }
  | { readonly kind: 'failed'; readonly text: string };

function addFailure(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>): AddResult {
  if (outcome.kind === 'unreachable') return { kind: 'failed', text: UNREACHABLE };
  if (outcome.status === 401) return { kind: 'ended' };
  if (outcome.problem?.type === '/problems/reauthentication-required') return { kind: 'reauthenticate' };
  return { kind: 'failed', text: outcome.problem?.detail ?? 'An error occurred. Please try again.' };
}

/** Makes a passkey on this device and adds it; the API names it after the device ("Chrome on Android"). */
export async function addPasskey(token: string): Promise<AddResult> {
  if (!browserSupportsWebAuthn()) return { kind: 'failed', text: UNSUPPORTED };
  const options = await call<Parameters<typeof startRegistration>[0]['optionsJSON']>(
    'POST',
    '/passkeys/register/options',
    { token },
  );
  if (options.kind !== 'ok') return addFailure(options);
  let credential: Awaited<ReturnType<typeof startRegistration>>;
  try {
    credential = await startRegistration({ optionsJSON: options.body });
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
      return { kind: 'failed', text: 'This device already has a passkey for your account.' };
    }
    return {
      kind: 'failed',
      text: cancelled(error)
        ? 'The passkey prompt was closed. No passkey was added.'
        : 'This device could not make a passkey. No passkey was added.',
    };
  }
  const added = await call<PasskeyInfo>('POST', '/passkeys/register', {
    token,
    body: credential,
  });
  return added.kind === 'ok' ? { kind: 'added', passkey: added.body } : addFailure(added);
}

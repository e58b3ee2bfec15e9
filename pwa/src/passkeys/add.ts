// Adding a passkey on this device (docs/passkeys.md): the browser's prompt through
// @simplewebauthn/browser and the API calls around it. Loaded by the account page when the person asks
// to add one.
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser';
import { call, type Outcome } from '../api';
import type { PasskeyInfo } from './passkey-api';

const UNSUPPORTED = 'This browser does not support passkeys. Log in with your password instead.';
const UNREACHABLE = 'Gatehouse could not be reached. Check your connection and try again.';

/** Whether the prompt was cancelled: by the person, a timeout, or a newer prompt. */
function cancelled(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'NotAllowedError' || name === 'AbortError';
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

/** Makes a passkey on this device and adds it under `name` (the device's, e.g. "Chrome on Android"). */
export async function addPasskey(token: string, name: string): Promise<AddResult> {
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
    body: { ...credential, name },
  });
  return added.kind === 'ok' ? { kind: 'added', passkey: added.body } : addFailure(added);
}

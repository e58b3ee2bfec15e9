// The bodies of POST /passkeys/register and POST /passkeys/login: a credential in WebAuthn Level 3's
// JSON form (what `PublicKeyCredential.toJSON()` and the PWA's @simplewebauthn/browser give). Their shape is
// checked here, so every malformed body is a 400 that says what is wrong, and the verification only
// ever sees well-formed input; what the bytes mean is the verification's to judge.
import { decodeBase64url } from '../auth/base64url';
import { ProblemError } from '../http/problem';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from './webauthn-json';

/** WebAuthn allows credential ids up to 1,023 bytes: 1,364 base64url characters. */
const MAX_CREDENTIAL_ID_CHARS = 1364;
/** The transports WebAuthn names; others are dropped rather than stored. */
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
export const MAX_PASSKEY_NAME_LENGTH = 64;

function invalid(reason: string): ProblemError {
  return new ProblemError('invalid-request', reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A base64url field: its text, checked to decode. */
function base64urlField(object: Record<string, unknown>, name: string, label: string, max = 16_384) {
  const value = object[name];
  if (typeof value !== 'string' || value === '' || value.length > max || decodeBase64url(value) === null) {
    throw invalid(`The field "${label}" must be a base64url string.`);
  }
  return value;
}

function bytesOf(text: string): Uint8Array {
  return decodeBase64url(text) as Uint8Array;
}

/** The members both kinds share: id, rawId, type, response, client extension results. */
function credentialBase(fields: Map<string, unknown>) {
  const object = Object.fromEntries(fields);
  const id = base64urlField(object, 'id', 'id', MAX_CREDENTIAL_ID_CHARS);
  const rawId = base64urlField(object, 'rawId', 'rawId', MAX_CREDENTIAL_ID_CHARS);
  if (rawId !== id) throw invalid('The fields "id" and "rawId" must be the same.');
  if (object.type !== 'public-key') throw invalid('The field "type" must be "public-key".');
  const response = object.response;
  if (!isObject(response)) throw invalid('The field "response" must be an object.');
  const extensions = object.clientExtensionResults ?? {};
  if (!isObject(extensions)) throw invalid('The field "clientExtensionResults" must be an object.');
  const attachment = object.authenticatorAttachment;
  if (
    attachment !== undefined &&
    attachment !== null &&
    attachment !== 'platform' &&
    attachment !== 'cross-platform'
  ) {
    throw invalid('The field "authenticatorAttachment" must be "platform" or "cross-platform".');
  }
  return { id, response, extensions };
}

/** What the browser wrote into clientDataJSON that decides where the credential may go. */
export interface ClientData {
  readonly type: string;
  readonly challenge: string;
  readonly origin: string;
}

function clientDataOf(response: Record<string, unknown>): ClientData {
  const text = base64urlField(response, 'clientDataJSON', 'response.clientDataJSON');
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytesOf(text)));
  } catch {
    throw invalid('The field "response.clientDataJSON" is not JSON.');
  }
  if (!isObject(data) || typeof data.type !== 'string' || typeof data.origin !== 'string') {
    throw invalid('The field "response.clientDataJSON" lacks its type or origin.');
  }
  const challenge = data.challenge;
  if (typeof challenge !== 'string' || challenge.length > 128 || decodeBase64url(challenge) === null) {
    throw invalid('The field "response.clientDataJSON" lacks its challenge.');
  }
  return { type: data.type, challenge, origin: data.origin };
}

function expectType(clientData: ClientData, type: 'webauthn.create' | 'webauthn.get') {
  if (clientData.type !== type) {
    throw invalid(
      `The credential was made by ${type === 'webauthn.create' ? 'a sign-in' : 'a registration'}, not this ceremony.`,
    );
  }
}

/** An optional passkey name: trimmed, NFC, 1 to 64 characters, no control characters. */
export function passkeyName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('The field "name" must be a string.');
  const name = value.normalize('NFC').trim();
  if (name === '' || [...name].length > MAX_PASSKEY_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    throw invalid(`The field "name" must be 1 to ${MAX_PASSKEY_NAME_LENGTH} printable characters.`);
  }
  return name;
}

export interface Registration {
  readonly credential: RegistrationResponseJSON;
  readonly clientData: ClientData;
  readonly attestationObject: Uint8Array;
  readonly name: string | undefined;
}

export function readRegistration(fields: Map<string, unknown>): Registration {
  const { id, response, extensions } = credentialBase(fields);
  const clientData = clientDataOf(response);
  expectType(clientData, 'webauthn.create');
  const attestationObject = base64urlField(response, 'attestationObject', 'response.attestationObject');
  const transports = Array.isArray(response.transports)
    ? response.transports.filter((t): t is string => typeof t === 'string' && TRANSPORTS.has(t))
    : [];
  return {
    credential: {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: response.clientDataJSON as string,
        attestationObject,
        transports: transports as RegistrationResponseJSON['response']['transports'],
      },
      clientExtensionResults: extensions,
    },
    clientData,
    attestationObject: bytesOf(attestationObject),
    name: passkeyName(fields.get('name')),
  };
}

export interface Assertion {
  readonly credential: AuthenticationResponseJSON;
  readonly clientData: ClientData;
  readonly authenticatorData: Uint8Array;
  /** The user handle the authenticator returned (base64url), when it did. */
  readonly userHandle: string | undefined;
}

export function readAssertion(fields: Map<string, unknown>): Assertion {
  const { id, response, extensions } = credentialBase(fields);
  const clientData = clientDataOf(response);
  expectType(clientData, 'webauthn.get');
  const authenticatorData = base64urlField(response, 'authenticatorData', 'response.authenticatorData');
  const signature = base64urlField(response, 'signature', 'response.signature');
  const rawHandle = response.userHandle;
  const userHandle =
    rawHandle === undefined || rawHandle === null || rawHandle === ''
      ? undefined
      : base64urlField(response, 'userHandle', 'response.userHandle', 128);
  return {
    credential: {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: response.clientDataJSON as string,
        authenticatorData,
        signature,
        ...(userHandle === undefined ? {} : { userHandle }),
      },
      clientExtensionResults: extensions,
    },
    clientData,
    authenticatorData: bytesOf(authenticatorData),
    userHandle,
  };
}
